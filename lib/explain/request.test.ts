import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/http/api-error';
import { explainBodyOf, explainParamsOf, MAX_QUERY_LENGTH } from './request';

const NOW = Date.UTC(2026, 11, 3, 12);
const params = (entries: Record<string, string>) => new URLSearchParams(entries);

describe('GET parameters', () => {
  it('reads the query, node, range and var-* values', () => {
    const input = explainParamsOf(params({ query: 'up{instance="$instance"}', node: 'node-a', from: String(NOW - 3_600_000), to: 'now', 'var-instance': '10.0.0.1:9100', other: 'ignored' }), NOW);
    expect(input).toMatchObject({ query: 'up{instance="$instance"}', node: 'node-a', vars: { instance: '10.0.0.1:9100' }, range: { from: String(NOW - 3_600_000), to: 'now', endMs: NOW } });
  });

  it.each([
    [{}, /query/],
    [{ query: 'x'.repeat(MAX_QUERY_LENGTH + 1) }, /4000/],
    [{ query: 'up', node: 'Not_A_Node' }, /node/],
    [{ query: 'up', from: 'yesterday' }, /from/],
    [{ query: 'up', from: 'now', to: 'now-1h' }, /before/],
    [{ query: 'up', 'var-bad name': 'x' }, /vars\.bad name/],
  ])('refuses a bad request with a 400 that says what is wrong (case %#)', (entries, message) => {
    const attempt = () => explainParamsOf(params(entries as Record<string, string>), NOW);
    expect(attempt).toThrow(ApiError);
    expect(attempt).toThrow(message);
  });
});

describe('POST bodies', () => {
  it('takes a query or a dashboard, never both or neither', () => {
    expect(explainBodyOf({ query: 'up' }, NOW).query).toBe('up');
    expect(explainBodyOf({ dashboard: { panels: [{ targets: [{ expr: 'up' }] }] }, node: 'node-a' }, NOW).dashboard!.queries).toHaveLength(1);
    expect(() => explainBodyOf({ query: 'up', dashboard: {} }, NOW)).toThrow(/either/);
    expect(() => explainBodyOf({}, NOW)).toThrow(/either/);
  });

  it('says why a dashboard is not one', () => {
    expect(() => explainBodyOf({ dashboard: { panels: [] } }, NOW)).toThrow(/no Prometheus query/);
    expect(() => explainBodyOf({ dashboard: 'text' }, NOW)).toThrow(/not a Grafana dashboard/);
  });
});
