import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { ApiError } from '@/lib/http/api-error';
import { clustersFromEnv, type Clusters } from '@/lib/server/clusters';
import { gapscopeFromEnv, type Gapscope } from '@/lib/server/gapscope';
import { resolveRange, type ResolvedRange } from '@/lib/time-range';
import { startCentralClusters, TWO_CLUSTERS, type RunningClusters } from '../src/clusters';
import { detected, rangeEnding } from '../test-support/clients';
import { EXPECTED_FINDINGS, expectedFindings } from '../test-support/default-expectations';
import { EXPECTED as MORE_FAULTS, moreFaultsExpected } from '../test-support/more-faults-expectations';
import { query, waitForScrapes } from '../test-support/prometheus-api';

/**
 * Two clusters in one real VictoriaMetrics, as `npm run demo -- --clusters 2` runs them: eu-1 (the default
 * scenario) and us-1 (more-faults), each scraped by its own Prometheus in agent mode that remote-writes with
 * its own `cluster` external label. Both have a node named lab-cadvisor, with different faults. gapscope is
 * configured from the lab's environment exactly as the demo's, and must answer for each cluster what a
 * single Prometheus answers for it.
 */

let clusters: RunningClusters;
/** With each cluster's scraper and kube context: everything a single Prometheus and its kubelets tell. */
let full: Clusters;
let fullRoot: Gapscope;
/** The store alone, without kubelet reads: what the stored layer tells, to compare with the default scenario's stored answers. */
let stored: Clusters;

const SCENARIOS = resolve(__dirname, '..', 'scenarios');

beforeAll(async () => {
  clusters = await startCentralClusters(TWO_CLUSTERS(35, SCENARIOS), { profile: 'kube-prometheus' });
  for (const lab of clusters.labs) await waitForScrapes(lab.scraperUrl, 5_000);
  // Remote write sends within a second; wait (bounded) until the store has a scrape of every target of both.
  const targetsOf = async (url: string) => ((await (await fetch(`${url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: unknown[] } }).data.activeTargets.length;
  const expected = await Promise.all(clusters.labs.map((lab) => targetsOf(lab.scraperUrl)));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 1_000))) {
    const counts = await query(clusters.prometheusUrl, 'count by (cluster) (up)');
    if (['eu-1', 'us-1'].every((cluster, index) => counts.find((row) => row.metric.cluster === cluster)?.value[1] === String(expected[index]))) break;
  }
  const fullEnv = parseEnv({ ...clusters.appEnv, GAPSCOPE_FLEET_CACHE_TTL: '0s' });
  fullRoot = gapscopeFromEnv(fullEnv);
  full = clustersFromEnv(fullEnv, fullRoot);
  const storeEnv = parseEnv({ GAPSCOPE_PROMETHEUS_URL: clusters.prometheusUrl, GAPSCOPE_CLUSTER_SCRAPERS: clusters.appEnv.GAPSCOPE_CLUSTER_SCRAPERS, GAPSCOPE_FLEET_CACHE_TTL: '0s' });
  stored = clustersFromEnv(storeEnv, gapscopeFromEnv(storeEnv));
});

afterAll(async () => {
  await clusters?.stop();
});

const findingsOf = async (view: Clusters, cluster: string, node: string) => {
  const investigation = await (await view.forNode(cluster, node)).gapscope.node(node, rangeEnding());
  expect(investigation).toMatchObject({ found: true, cluster });
  return investigation.findings.map((finding) => [finding.kind, finding.cause, finding.subject]);
};

describe('the premise: two clusters in one store, one node name in both', () => {
  it('VictoriaMetrics holds each cluster under its own label, live and in history; lab-cadvisor is a node of both', async () => {
    const nodes = await query(clusters.prometheusUrl, 'count by (cluster) (kube_node_info)');
    expect(Object.fromEntries(nodes.map((row) => [row.metric.cluster, row.value[1]]))).toEqual({ 'eu-1': '7', 'us-1': String(clusters.labs[1]!.nodes.length) });
    expect((await query(clusters.prometheusUrl, 'count by (cluster) (kube_node_info offset 5h)')).length).toBe(2);
    const twins = await query(clusters.prometheusUrl, 'kube_node_info{node="lab-cadvisor"}');
    expect(twins.map((row) => row.metric.cluster).sort()).toEqual(['eu-1', 'us-1']);
    expect(new Set(twins.map((row) => row.metric.internal_ip)).size).toBe(2);
    expect(await query(clusters.prometheusUrl, 'count(up{cluster!~".+"})')).toEqual([]);
  });
});

describe('every planted fault of both clusters, through the central store', () => {
  it('lists the clusters', async () => {
    expect(await full.names()).toEqual(['eu-1', 'us-1']);
  });

  it.each(Object.keys(EXPECTED_FINDINGS).concat('lab-cadvisor'))('eu-1 %s: what a single Prometheus stores, from the store alone', async (name) => {
    const expected = expectedFindings('kube-prometheus', name).map(([kind, cause, subject]) => [kind, cause, String(subject)]);
    // The agent's relabel rules and last errors come from its own API (GAPSCOPE_CLUSTER_SCRAPERS): nothing is lost.
    expect((await findingsOf(stored, 'eu-1', name)).sort()).toEqual(expected.sort());
  });

  it.each(Object.keys(MORE_FAULTS))('us-1 %s: what a single Prometheus and the kubelet tell', async (name) => {
    expect(await findingsOf(full, 'us-1', name)).toEqual(moreFaultsExpected('kube-prometheus', name));
  });

  it("reads each cluster's kubelets through its own API server: lab-cadvisor's cause differs by cluster", async () => {
    const causes = async (cluster: string) => (await findingsOf(full, cluster, 'lab-cadvisor')).map(([kind, cause]) => `${kind}/${cause}`);
    expect(await causes('eu-1')).toEqual(['cadvisor-labels-empty/runtime-started-after-kubelet']);
    expect(await causes('us-1')).toEqual(['cadvisor-labels-empty/runtime-socket-unreachable']);
  });

  it('asks which cluster for a name both have, and finds a name only one has by itself', async () => {
    expect(await full.choose(undefined, 'lab-cadvisor')).toEqual({ pick: ['eu-1', 'us-1'] });
    await expect(full.forNode(undefined, 'lab-cadvisor')).rejects.toMatchObject({ status: 409, code: 'ambiguous-node' });
    expect(await full.choose(undefined, 'lab-forbidden')).toMatchObject({ cluster: 'us-1' });
    await expect(full.forNode('eu-1', 'lab-forbidden')).resolves.toMatchObject({ cluster: 'eu-1' });
    const missing = await (await full.forNode('eu-1', 'lab-forbidden')).gapscope.node('lab-forbidden', rangeEnding());
    expect(missing.found).toBe(false);
  });

  it("keeps each cluster's timeline to its own node", async () => {
    const timelines = [];
    for (const cluster of ['eu-1', 'us-1']) {
      const timeline = await (await full.forNode(cluster, 'lab-cadvisor')).gapscope.timeline('lab-cadvisor', rangeEnding());
      expect(timeline).toMatchObject({ found: true, cluster });
      expect(timeline.timeline!.lanes.map((lane) => lane.family)).toContain('cadvisor-labels');
      expect(timeline.sources.filter((source) => !source.ok)).toEqual([]);
      timelines.push(timeline.timeline);
    }
    // Read across both clusters, the two nodes' histories would be one and the same.
    expect(timelines[0]).not.toEqual(timelines[1]);
  });

  it('explains a query in the cluster asked (Grafana var-cluster), and refuses one that names no cluster', async () => {
    const range = resolveRange('now-1h', 'now', Date.now()) as ResolvedRange;
    // As dotdc's dashboards write it: the dashboard's $cluster is the cluster the explanation is about.
    const query = 'container_cpu_usage_seconds_total{cluster="$cluster", image!="", node="$node"}';
    const { gapscope } = await full.forExplain({ node: 'lab-cadvisor', vars: { cluster: 'us-1' } });
    const explanation = await gapscope.explain(query, { node: 'lab-cadvisor', range, requested: {} });
    expect(explanation).toMatchObject({ cluster: 'us-1', empty: true });
    expect(explanation.substituted).toContain('cluster="us-1"');
    const [selector] = explanation.selectors.filter((candidate) => candidate.verdict !== 'ok');
    // The cluster's own matcher never empties it: the culprit is the node's (its series are dropped) or image.
    expect(selector!.culprit?.label).not.toBe('cluster');
    expect(selector!.findings.map((finding) => `${finding.kind}/${finding.cause}`)).toContain('cadvisor-labels-empty/runtime-socket-unreachable');
    await expect(full.forExplain({ vars: {} })).rejects.toBeInstanceOf(ApiError);
  });
});

describe('pages over both clusters, within their request budgets', () => {
  it("the fleet of clusters: each question asked once for both (at most 10 requests), each cluster's counts as its own fleet page has them", async () => {
    // What the store can tell is detected in the background (a health probe starts it, every 5 minutes): here,
    // that it lists no targets, so the overview asks `up` without asking for the targets list first.
    expect(await detected(fullRoot)).toMatchObject({ targetsApi: false });
    const before = fullRoot.prometheus.requestCount;
    const overview = await full.overview();
    const requests = fullRoot.prometheus.requestCount - before;
    expect(requests).toBeLessThanOrEqual(10);
    expect(overview.sources.filter((source) => !source.ok)).toEqual([]);
    for (const cluster of ['eu-1', 'us-1']) {
      const fleet = await (await full.forFleet(cluster)).gapscope.fleet();
      const summary = overview.clusters.find((candidate) => candidate.name === cluster)!;
      expect(summary.nodes).toBe(fleet.nodes!.length);
      const faulty = fleet.nodes!.filter((node) => Object.values(node.families).some((count) => count.faults > 0));
      expect(summary.nodesWithFaults).toBe(faulty.length);
      const byFamily: Record<string, number> = {};
      for (const node of faulty) for (const [family, count] of Object.entries(node.families)) if (count.faults > 0) byFamily[family] = (byFamily[family] ?? 0) + 1;
      expect(summary.faultsByFamily).toEqual(byFamily);
    }
  });

  it("a cluster's fleet page: at most 10 requests to the store, its nodes only", async () => {
    const { gapscope } = await full.forFleet('us-1');
    const before = fullRoot.prometheus.requestCount;
    const fleet = await gapscope.fleet();
    expect(fullRoot.prometheus.requestCount - before).toBeLessThanOrEqual(10);
    expect(fleet.cluster).toBe('us-1');
    expect(fleet.nodes!.map((node) => node.name).sort()).toEqual(clusters.labs[1]!.nodes.map((node) => node.name).sort());
  });
});
