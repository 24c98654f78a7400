import { describe, expect, it } from 'vitest';
import { fakeAsker, type FakeSelf, type FakeSeries } from '@/lib/test-support/fake-asker';
import { ExplainBudgetSpent, exampleJoins, explainQuery, matchesEmpty, type Asker } from './explain-query';
import { parsePromql } from './promql-tree';

const AT = Date.UTC(2026, 11, 3, 12, 0, 0);
const RANGE = { startMs: AT - 3_600_000, endMs: AT };
const HOUR = 3_600_000;

const s = (name: string, labels: Record<string, string>, extra: Partial<FakeSeries> = {}): FakeSeries => ({ labels: { __name__: name, ...labels }, ...extra });

// Two nodes' cAdvisor series: node-a's lost every pod label (cadvisor-labels-empty), node-b's are fine.
const CADVISOR = [
  s('container_cpu_usage_seconds_total', { job: 'kubelet', node: 'node-a', id: '/kubepods/pod1/abc', container: '', image: '' }),
  s('container_cpu_usage_seconds_total', { job: 'kubelet', node: 'node-b', id: '/kubepods/pod2/def', container: 'app', image: 'app:1' }),
  s('up', { job: 'kubelet', instance: '10.0.0.1:10250' }, { interval: 60 }),
  s('kube_pod_labels', { namespace: 'shop', pod: 'cart' }),
  s('kubelet_volume_stats_used_bytes', { node: 'node-b', namespace: 'shop', persistentvolumeclaim: 'data' }),
  s('node_load1', { instance: 'node-a:9100' }, { goneMs: 2 * HOUR }),
  s('kube_node_info', { node: 'node-a' }),
  s('kube_node_info', { node: 'node-b' }),
];

async function explain(query: string, series: FakeSeries[] = CADVISOR, whole = { now: 0, range: 0 }, joins?: number[], self?: FakeSelf) {
  const { asker, calls } = fakeAsker(series, { atMs: AT, whole, ...(joins ? { joins } : {}), ...(self ? { self } : {}) });
  const parsed = parsePromql(query);
  const explained = await explainQuery(query, parsed, { asker, atMs: AT, range: RANGE, findingsFor: () => [] });
  await exampleJoins(explained.joins, parsed, asker);
  return { explained, calls };
}

describe('the ladder, one verdict per row', () => {
  const rows: { query: string; verdict: string; culprit?: string; label?: string; lastSeen?: boolean }[] = [
    { query: 'sum(rate(container_cpu_usage_seconds_total{node="node-b", container!=""}[5m]))', verdict: 'ok' },
    { query: 'container_memory_rss{node="node-a"}', verdict: 'metric-never-existed' },
    { query: 'node_load1{instance="node-a:9100"}', verdict: 'metric-disappeared', lastSeen: true },
    { query: 'kube_pod_labels{label_team="payments"}', verdict: 'label-never-present', culprit: 'label_team="payments"', label: 'label_team' },
    { query: 'container_cpu_usage_seconds_total{job="kubelet", node="node-c"}', verdict: 'label-value-absent', culprit: 'node="node-c"', label: 'node' },
    { query: 'up{instance=~"10.0.0.9:10250"}', verdict: 'label-value-absent', culprit: 'instance=~"10.0.0.9:10250"' },
    // Prometheus stores no empty label: node-a's unlabelled cgroups do not carry `container` at all.
    { query: 'container_cpu_usage_seconds_total{node="node-a", container!=""}', verdict: 'label-never-present', culprit: 'container!=""', label: 'container' },
    { query: 'container_cpu_usage_seconds_total{node="node-b", container!="app"}', verdict: 'matcher-excludes-all', culprit: 'container!="app"', label: 'container' },
    { query: 'container_cpu_usage_seconds_total{node="node-b", image=~"nginx.*"}', verdict: 'matcher-excludes-all', culprit: 'image=~"nginx.*"' },
    { query: 'rate(up{job="kubelet"}[1m])', verdict: 'range-too-short' },
    { query: 'rate(up{job="kubelet"}[2m])', verdict: 'ok' },
  ];
  for (const row of rows) {
    it(`${row.query} → ${row.verdict}`, async () => {
      const { explained } = await explain(row.query);
      const [selector] = explained.selectors;
      expect(selector).toMatchObject({ verdict: row.verdict });
      if (row.culprit) expect(selector!.culprit).toEqual({ matcher: row.culprit, label: row.label ?? row.culprit.split(/[=!~]/)[0] });
      else expect(selector!.culprit).toBeUndefined();
      expect(selector!.lastSeen !== undefined).toBe(row.lastSeen ?? false);
      // Every step is a query with the number of series it gave; the last of a failing ladder is the evidence.
      for (const step of selector!.steps) expect(step.query.length).toBeGreaterThan(0);
    });
  }

  it('names the other values of the culprit label: the nodes that do have the series', async () => {
    const { explained } = await explain('container_cpu_usage_seconds_total{job="kubelet", node="node-c"}');
    expect(explained.selectors[0]!.otherValues).toEqual(['node-a', 'node-b']);
    expect(explained.selectors[0]!.reason).toContain('"node-a", "node-b"');
  });

  it('says the window is too short with the interval the series really have', async () => {
    const { explained } = await explain('rate(up{job="kubelet"}[1m])');
    expect(explained.selectors[0]!.reason).toContain('one about every 1m');
    expect(explained.selectors[0]!.reason).toContain('at least 2m');
  });

  it("discounts Prometheus' own restarts and gaps: a series that ended with Prometheus says so", async () => {
    const query = 'node_load1{instance="node-a:9100"}';
    expect((await explain(query)).explained.selectors[0]!.lastSeenCause).toBeUndefined();
    const restarted = await explain(query, CADVISOR, undefined, undefined, { before: 1, after: 1, startedMs: AT - 2 * HOUR + 120_000 });
    expect(restarted.explained.selectors[0]).toMatchObject({ verdict: 'metric-disappeared', lastSeenCause: 'prometheus-restart' });
    const gap = await explain(query, CADVISOR, undefined, undefined, { before: 1, after: 0 });
    expect(gap.explained.selectors[0]!.lastSeenCause).toBe('prometheus-gap');
    // A Prometheus that never scrapes itself tells nothing either way.
    expect((await explain(query, CADVISOR, undefined, undefined, { before: 0, after: 0 })).explained.selectors[0]!.lastSeenCause).toBeUndefined();
  });

  it('tells a recording rule name that nothing records from a metric nothing exposes', async () => {
    const recorded = await explain('node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate{node="node-a"}');
    expect(recorded.explained.selectors[0]!.reason).toContain("recording rule's output");
    const raw = await explain('container_memory_rss{node="node-a"}');
    expect(raw.explained.selectors[0]!.reason).not.toContain('recording rule');
  });

  it('asks everything of one stage in one request: a selector with series costs nothing beyond the first', async () => {
    const { calls } = await explain('sum(container_cpu_usage_seconds_total{node="node-b"}) / sum(kube_node_info{node="node-b"})', CADVISOR, { now: 1, range: 1 }, [1]);
    expect(calls).toHaveLength(1);
  });

  it('the whole query is empty only when it has no series now and none over the range', async () => {
    expect((await explain('up', CADVISOR, { now: 0, range: 3 })).explained.empty).toBe(false);
    expect((await explain('up', CADVISOR, { now: 0, range: 0 })).explained.empty).toBe(true);
  });
});

describe('joins', () => {
  it('no-matching-labels when both sides have series and none meet, with one label set of each side', async () => {
    const query = 'kubelet_volume_stats_used_bytes * on(node) kube_pod_labels';
    const { explained } = await explain(query, CADVISOR, { now: 0, range: 0 }, [0]);
    expect(explained.joins).toHaveLength(1);
    const [join] = explained.joins;
    expect(join).toMatchObject({ verdict: 'no-matching-labels', left: 1, right: 1 });
    expect(join!.example!.matchOn).toEqual(['node']);
    expect(join!.example!.differing).toEqual(['node']);
    expect(join!.reason).toContain('node is on the left side only');
  });

  it('ok when the sides meet, or when a side is empty (its selector says why)', async () => {
    expect((await explain('kube_node_info * on(node) kubelet_volume_stats_used_bytes', CADVISOR, { now: 1, range: 1 }, [1])).explained.joins[0]!.verdict).toBe('ok');
    const empty = await explain('container_memory_rss * on(node) kube_node_info', CADVISOR, { now: 0, range: 0 }, [0]);
    expect(empty.explained.joins[0]).toMatchObject({ verdict: 'ok', left: 0 });
  });
});

describe('the budget', () => {
  it('a spent budget leaves the rest of the selectors not explained, and says so', async () => {
    const { asker } = fakeAsker(CADVISOR, { atMs: AT });
    let left = 2;
    const limited: Asker = {
      batch: (parts) => (left-- > 0 ? asker.batch(parts) : Promise.reject(new ExplainBudgetSpent('spent'))),
      labelNames: (selector, start) => (left-- > 0 ? asker.labelNames(selector, start) : Promise.reject(new ExplainBudgetSpent('spent'))),
    };
    const query = 'container_memory_rss{node="node-a"} + container_cpu_usage_seconds_total{node="node-a", container!=""}';
    const explained = await explainQuery(query, parsePromql(query), { asker: limited, atMs: AT, range: RANGE, findingsFor: () => [] });
    expect(explained.incomplete).toMatch(/budget/);
    expect(explained.selectors.map((selector) => selector.verdict)).toContain('not-explained');
  });
});

describe('matchesEmpty', () => {
  it.each([
    ['container=""', true],
    ['container!=""', false],
    ['container!="x"', true],
    ['image=~".+"', false],
    ['image=~".*"', true],
    ['image!~".+"', true],
  ])('%s lets a series without the label through: %s', (text, expected) => {
    const matcher = parsePromql(`m{${text}}`).selectors[0]!.matchers[0]!;
    expect(matchesEmpty(matcher)).toBe(expected);
  });
});
