import { describe, expect, it } from 'vitest';
import { realFixture } from '../test-support/fixtures';
import { ExpositionWriter, escapeLabelValue, formatGoFloat } from './exposition';

describe('formatGoFloat', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [479232, '479232'],
    [1e6, '1e+06'],
    [2687844352, '2.687844352e+09'],
    [62.148052, '62.148052'],
    [0.0001, '0.0001'],
    [0.000012, '1.2e-05'],
    [-3.25e-7, '-3.25e-07'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('formats %s as Go does (%s)', (value, expected) => {
    expect(formatGoFloat(value)).toBe(expected);
  });

  it('reproduces every sample value of the real kubelet and kube-state-metrics captures byte for byte', () => {
    let checked = 0;
    for (const file of ['nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.35_kube-state-metrics.txt']) {
      for (const line of realFixture(file).split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const text = /^[^{ ]+(?:\{.*\})? (\S+)(?: -?\d+)?$/.exec(line)?.[1] ?? '';
        expect(formatGoFloat(Number(text === '+Inf' ? Infinity : text)), line).toBe(text);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });
});

describe('ExpositionWriter', () => {
  it('escapes backslashes, quotes and newlines in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('writes HELP, TYPE and samples with optional timestamps', () => {
    const text = new ExpositionWriter()
      .family('x_total', 'counter', 'Help with \\ backslash')
      .sample('x_total', [['a', 'b']], 2, 1700000000123)
      .sample('x_total', [], 1e6)
      .toString();
    expect(text).toBe('# HELP x_total Help with \\\\ backslash\n# TYPE x_total counter\nx_total{a="b"} 2 1700000000123\nx_total 1e+06\n');
  });

  it('refuses a sample before any family', () => {
    expect(() => new ExpositionWriter().sample('x', [], 1)).toThrow(/before any family/);
  });
});
