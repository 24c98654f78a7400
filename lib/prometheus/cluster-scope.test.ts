import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { NotSplittable, perClusterQuery, scopedQuery, scopedSelectors, withMatchers } from './cluster-scope';
import { batchQuery } from './promql';

const A = { label: 'cluster', value: 'eu-1' };

function parses(query: string): boolean {
  let ok = true;
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) ok = false;
    },
  });
  return ok;
}

describe('scopedQuery', () => {
  it.each([
    ['up', 'up{cluster="eu-1"}'],
    ['up{}', 'up{cluster="eu-1"}'],
    ['up{job="kubelet"}', 'up{cluster="eu-1",job="kubelet"}'],
    ['{__name__="up"}', '{cluster="eu-1",__name__="up"}'],
    ['rate(x{a="b"}[5m] offset 1h)', 'rate(x{cluster="eu-1",a="b"}[5m] offset 1h)'],
    ['max_over_time(x[1d:5m] @ 1700000000)', 'max_over_time(x{cluster="eu-1"}[1d:5m] @ 1700000000)'],
    ['a and on (node) group_left(pod) b', 'a{cluster="eu-1"} and on (node) group_left(pod) b{cluster="eu-1"}'],
    ['label_replace(up, "x", "{y}", "", "")', 'label_replace(up{cluster="eu-1"}, "x", "{y}", "", "")'],
    ['sum by (node) (kube_pod_info{node="a"} or kube_pod_info{exported_node="a"})', 'sum by (node) (kube_pod_info{cluster="eu-1",node="a"} or kube_pod_info{cluster="eu-1",exported_node="a"})'],
  ])('scopes %s', (query, scoped) => {
    expect(scopedQuery(query, A)).toBe(scoped);
    expect(parses(scoped)).toBe(true);
  });

  it('quotes the cluster name as a PromQL string, whatever it holds', () => {
    expect(scopedQuery('up', { label: 'cluster', value: 'a"} or vector(1) #' })).toBe('up{cluster="a\\"} or vector(1) #"}');
  });

  it('scopes every part of a batched query', () => {
    const batch = batchQuery({ one: 'up{job="a"}', two: 'node_uname_info' });
    const scoped = scopedQuery(batch, A);
    expect(scoped.match(/cluster="eu-1"/g)).toHaveLength(2);
    expect(parses(scoped)).toBe(true);
  });

  it('leaves a query that does not parse as it is, for the store to reject', () => {
    expect(scopedQuery('up{', A)).toBe('up{');
  });

  it('gives the series APIs a selector for the whole cluster when none is asked', () => {
    expect(scopedSelectors([], A)).toEqual(['{cluster="eu-1"}']);
    expect(scopedSelectors(['kube_node_labels'], A)).toEqual(['kube_node_labels{cluster="eu-1"}']);
  });
});

describe('withMatchers', () => {
  it('adds matchers to the selectors whose metric the predicate accepts, not to strings or other metrics', () => {
    const query = 'kube_pod_info and on (pod) label_replace(up{job="kube_pod_x"}, "a", "kube_pod_y", "", "") or kube_pod_created';
    expect(withMatchers(query, 'pod="p"', (metric) => metric.startsWith('kube_pod_'))).toBe('kube_pod_info{pod="p"} and on (pod) label_replace(up{job="kube_pod_x"}, "a", "kube_pod_y", "", "") or kube_pod_created{pod="p"}');
    expect(withMatchers('{__name__="kube_pod_info"}', 'pod="p"', () => true)).toBe('{__name__="kube_pod_info"}');
    expect(withMatchers('{__name__="kube_pod_info"}', 'pod="p"')).toBe('{pod="p",__name__="kube_pod_info"}');
  });
});

describe('perClusterQuery', () => {
  it.each([
    ['up', 'up'],
    ['sum(x)', 'sum by (cluster)(x)'],
    ['max by (node) (x)', 'max by (cluster, node) (x)'],
    ['max(x) by (node)', 'max(x) by (cluster, node)'],
    ['max by (cluster, node) (x)', 'max by (cluster, node) (x)'],
    ['count without (pod) (x)', 'count without (pod) (x)'],
    ['topk(3, x)', 'topk by (cluster)(3, x)'],
    ['group by () (x)', 'group by (cluster) (x)'],
    ['a and on (node) group_left(pod) b', 'a and on (cluster, node) group_left(pod) b'],
    ['a * ignoring (pod) b', 'a * ignoring (pod) b'],
    ['kube_pod_created > time() - 60', 'kube_pod_created > time() - 60'],
  ])('keeps the cluster label through %s', (query, lifted) => {
    expect(perClusterQuery(query, 'cluster')).toBe(lifted);
    expect(parses(lifted)).toBe(true);
  });

  it('refuses a query whose answer has no labels to split by', () => {
    expect(() => perClusterQuery('scalar(up)', 'cluster')).toThrow(NotSplittable);
    expect(() => perClusterQuery('absent(up{job="x"})', 'cluster')).toThrow(NotSplittable);
  });
});
