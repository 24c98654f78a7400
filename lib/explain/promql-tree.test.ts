import { describe, expect, it } from 'vitest';
import { durationMs, parsePromql, PromqlSyntaxError, unquote } from './promql-tree';

describe('parsePromql', () => {
  it('reads selectors with their metric, matchers, window, function and modifiers', () => {
    const parsed = parsePromql('sum by (node) (rate(container_cpu_usage_seconds_total{node="a", container!="", image=~"x.+"}[1m] offset 5m))');
    expect(parsed.selectors).toEqual([
      {
        text: 'container_cpu_usage_seconds_total{node="a", container!="", image=~"x.+"}',
        metric: 'container_cpu_usage_seconds_total',
        matchers: [
          { label: 'node', op: '=', value: 'a', text: 'node="a"' },
          { label: 'container', op: '!=', value: '', text: 'container!=""' },
          { label: 'image', op: '=~', value: 'x.+', text: 'image=~"x.+"' },
        ],
        windowMs: 60_000,
        fn: 'rate',
        modifiers: ' offset 5m',
      },
    ]);
    expect(parsed.scalar).toBe(false);
  });

  it.each([
    ['{__name__="up", job="kubelet"}', 'up', ['job']],
    ['{"http.server.duration", "service.name"="api"}', 'http.server.duration', ['service.name']],
    ['{job=~"node.*"}', null, ['job']],
  ])('takes the metric of %s from wherever it is named', (query, metric, labels) => {
    const [selector] = parsePromql(query).selectors;
    expect(selector!.metric).toBe(metric);
    expect(selector!.matchers.map((matcher) => matcher.label)).toEqual(labels);
  });

  it('records functions that need two samples only', () => {
    expect(parsePromql('max_over_time(up[1m])').selectors[0]!.fn).toBeUndefined();
    expect(parsePromql('increase(up[1m])').selectors[0]!.fn).toBe('increase');
  });

  it('reads joins with their matching, and leaves out operations with a number or a scalar, and `or`', () => {
    const parsed = parsePromql('a * on(node, pod) group_left(team) b + ignoring(instance) c > 0 or d');
    expect(parsed.joins.map((join) => [join.op, join.left, join.right, join.on, join.ignoring])).toEqual([
      ['+', 'a * on(node, pod) group_left(team) b', 'c', undefined, ['instance']],
      ['*', 'a', 'b', ['node', 'pod'], undefined],
    ]);
    // (scalar(…) * 100) is a number for every series: no labels to match.
    expect(parsePromql('scalar(sum(up)) * 100 / count(up)').joins).toEqual([]);
    expect(parsePromql('sum(up) / count(up)').joins.map((join) => join.op)).toEqual(['/']);
    expect(parsePromql('up * 2').joins).toEqual([]);
  });

  it('knows a scalar query from a vector one', () => {
    expect(parsePromql('scalar(sum(up))').scalar).toBe(true);
    expect(parsePromql('(1 + 2)').scalar).toBe(true);
    expect(parsePromql('sum(up) * 2').scalar).toBe(false);
  });

  it.each(['up{', 'rate(x[$__rate_interval])', 'sum(up', 'up{job=}'])('refuses %s with where it fails', (query) => {
    expect(() => parsePromql(query)).toThrow(PromqlSyntaxError);
  });
});

describe('literals', () => {
  it.each([
    ['"a\\"b"', 'a"b'],
    ["'x\\'y'", "x'y"],
    ['`raw\\d`', 'raw\\d'],
    ['"\\u00e9\\n"', 'é\n'],
  ])('unquote(%s)', (literal, value) => {
    expect(unquote(literal!)).toBe(value);
  });

  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['30', 30_000],
    ['$x', null],
  ])('durationMs(%s) = %s', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
});
