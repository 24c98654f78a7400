import { describe, expect, it } from 'vitest';
import { builtInVariables, promDuration, referencedVariables, substitute } from './grafana-vars';

const node = { value: 'node-a.example', source: 'node' as const };

describe('substitute', () => {
  it.each([
    ['up{node="$node"}', 'up{node="node-a.example"}'],
    ['up{node="${node}"}', 'up{node="node-a.example"}'],
    ['up{node=~"${node:regex}"}', 'up{node=~"node-a\\.example"}'],
    ['up{node="[[node]]"}', 'up{node="node-a.example"}'],
    ['up{node=~"${node:pipe}|x"}', 'up{node=~"node-a.example|x"}'],
  ])('%s', (text, expected) => {
    const result = substitute(text, { node });
    expect(result.text).toBe(expected);
    expect(result.substitutions).toEqual([{ name: 'node', ...node }]);
    expect(result.unresolved).toEqual([]);
  });

  it('leaves unknown variables in place and names them', () => {
    const result = substitute('up{job="$job", node="$node"}', { node });
    expect(result.text).toBe('up{job="$job", node="node-a.example"}');
    expect(result.unresolved).toEqual(['job']);
  });

  it('lists the variables a text refers to', () => {
    expect(referencedVariables('rate(x{a="$a", b="${b:regex}", c="[[c]]"}[$__rate_interval])')).toEqual(['a', 'b', 'c', '__rate_interval']);
  });
});

describe('built-in variables', () => {
  it("fill $__interval and $__rate_interval as Grafana does for a Prometheus data source", () => {
    const hour = builtInVariables({ startMs: 0, endMs: 3_600_000 });
    expect(hour.__interval!.value).toBe('15s');
    expect(hour.__rate_interval!.value).toBe('1m');
    expect(hour.__range!.value).toBe('1h');
    const week = builtInVariables({ startMs: 0, endMs: 7 * 86_400_000 });
    expect(week.__interval!.value).toBe('605s');
    expect(week.__rate_interval!.value).toBe('620s');
    expect(builtInVariables({ startMs: 0, endMs: 3_600_000 }, 60_000).__rate_interval!.value).toBe('4m');
  });

  it.each([
    [60_000, '1m'],
    [90_000, '90s'],
    [7_200_000, '2h'],
    [86_400_000, '1d'],
  ])('promDuration(%s) = %s', (ms, text) => {
    expect(promDuration(ms)).toBe(text);
  });
});
