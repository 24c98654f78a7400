import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardExplanation, Explanation, PanelExplanation } from '@/lib/contract/explain';
import { readDashboard } from '@/lib/explain/dashboard';
import type { PrometheusClient } from '@/lib/prometheus/client';
import { DASHBOARD_REQUEST_BUDGET, EXPLAIN_REQUEST_BUDGET } from '@/lib/server/explain';
import type { Gapscope } from '@/lib/server/gapscope';
import { resolveRange, type ResolvedRange } from '@/lib/time-range';
import { startLab, type RunningLab } from '../src/lab';
import { detected, labGapscope, labKubelet, labPrometheus } from '../test-support/clients';
import { realFixture } from '../test-support/fixtures';
import { query, waitForScrapes } from '../test-support/prometheus-api';

/**
 * The query explainer on the default scenario (kube-prometheus profile) with the real dashboards of
 * shared/fixtures/real/dashboards: each planted fault that removes series empties a real panel on its node,
 * the explanation names the selector, its verdict and the node's finding, and on lab-healthy the same panel
 * has data. Premises are checked against the real Prometheus first.
 */

let lab: RunningLab;
let prometheus: PrometheusClient;
let gapscope: Gapscope;
let range: ResolvedRange;

beforeAll(async () => {
  lab = await startLab({ octet: 25, profile: 'kube-prometheus' });
  await waitForScrapes(lab.prometheusUrl, 5_000);
  prometheus = labPrometheus(lab);
  gapscope = labGapscope(prometheus, labKubelet(lab));
  range = resolveRange('now-1h', 'now', Date.now()) as ResolvedRange;
});

afterAll(async () => {
  await lab?.stop();
});

const dashboard = (file: string) => readDashboard(JSON.parse(realFixture(`dashboards/${file}`)));
const ip = (node: string) => lab.nodes.find((candidate) => candidate.name === node)!.ip;

async function panelOf(file: string, title: string, node: string, requested: Record<string, string> = {}): Promise<{ result: DashboardExplanation; panel: PanelExplanation }> {
  const before = prometheus.requestCount;
  const result = await gapscope.explainDashboard(dashboard(file), { node, range, requested });
  // The dashboard's own requests are within its budget (the node's findings, shared with its page, aside).
  expect(result.requests).toBeLessThanOrEqual(DASHBOARD_REQUEST_BUDGET);
  expect(prometheus.requestCount - before).toBeGreaterThanOrEqual(result.requests);
  const panel = result.panels.find((candidate) => candidate.panel === title);
  if (!panel) throw new Error(`no panel "${title}" in ${file}: ${result.panels.map((candidate) => candidate.panel).join(', ')}`);
  return { result, panel };
}

const faulty = (explanation: Explanation | undefined) => (explanation?.selectors ?? []).filter((selector) => selector.verdict !== 'ok');
const linked = (explanation: Explanation | undefined) => faulty(explanation).flatMap((selector) => selector.findings.map((finding) => `${finding.kind}/${finding.cause}`));

describe('each planted fault that removes series empties a real dashboard panel on its node, and the explanation says why', () => {
  const cases: { node: string; file: string; panel: string; requested?: Record<string, string>; verdict: string; culprit: RegExp; finding: string; premise: () => Promise<void> }[] = [
    {
      node: 'lab-cadvisor',
      file: 'dotdc_k8s-views-nodes.json',
      panel: 'CPU usage by Pod',
      // Its pods' cgroups are stored without image (Prometheus keeps no empty label): no series carries one.
      verdict: 'label-never-present',
      culprit: /^image!=""$/,
      finding: 'cadvisor-labels-empty/runtime-started-after-kubelet',
      premise: async () => {
        expect(await query(lab.prometheusUrl, 'container_cpu_usage_seconds_total{node="lab-cadvisor", image!=""}')).toEqual([]);
        expect((await query(lab.prometheusUrl, 'container_cpu_usage_seconds_total{node="lab-cadvisor"}')).length).toBeGreaterThan(0);
      },
    },
    {
      node: 'lab-unauthorized',
      file: 'kube-prometheus_kubelet.json',
      panel: 'Running Pods',
      verdict: 'label-value-absent',
      culprit: /^instance=~"127\.25\.\d+\.\d+:10250"$/,
      finding: 'target-down/unauthorized',
      premise: async () => {
        expect(await query(lab.prometheusUrl, `kubelet_running_pods{instance="${ip('lab-unauthorized')}:10250"}`)).toEqual([]);
        expect((await query(lab.prometheusUrl, `up{instance="${ip('lab-unauthorized')}:10250", metrics_path="/metrics"} == 0`)).length).toBe(1);
      },
    },
    {
      node: 'lab-wrongport',
      file: 'rfmoz_node-exporter-full.json',
      panel: 'Root FS Used',
      verdict: 'label-value-absent',
      culprit: /^instance="127\.25\.\d+\.\d+:10250"$/,
      finding: 'target-down/wrong-port',
      premise: async () => {
        expect(await query(lab.prometheusUrl, `node_filesystem_avail_bytes{instance=~"${ip('lab-wrongport')}:.*"}`)).toEqual([]);
        expect(await (await fetch(`http://${ip('lab-wrongport')}:9100/metrics`)).text()).toContain('node_filesystem_avail_bytes');
      },
    },
    {
      node: 'lab-volumes',
      file: 'kube-prometheus_persistentvolumesusage.json',
      panel: 'Volume Space Usage',
      verdict: 'label-value-absent',
      culprit: /^namespace="ml"$/,
      finding: 'pvc-stats-missing/csi-without-volume-stats',
      premise: async () => {
        expect(await query(lab.prometheusUrl, 'kubelet_volume_stats_capacity_bytes{persistentvolumeclaim="scratch"}')).toEqual([]);
        expect((await query(lab.prometheusUrl, 'kube_persistentvolumeclaim_info{persistentvolumeclaim="scratch"}')).length).toBe(1);
      },
    },
  ];

  for (const fault of cases) {
    it(`${fault.node}: "${fault.panel}" of ${fault.file} → ${fault.verdict}, explained by ${fault.finding}`, async () => {
      await fault.premise();
      const { result, panel } = await panelOf(fault.file, fault.panel, fault.node, fault.requested);
      expect(panel.empty).toBe(true);
      // Empty panels come first, and this one was explained.
      expect(result.panels.findIndex((candidate) => candidate === panel)).toBeLessThan(result.empty);
      const [selector] = faulty(panel.explanation);
      expect(selector, JSON.stringify(panel.explanation?.selectors)).toBeDefined();
      expect(selector!.verdict).toBe(fault.verdict);
      expect(selector!.culprit!.matcher).toMatch(fault.culprit);
      expect(linked(panel.explanation)).toContain(fault.finding);

      const healthy = await panelOf(fault.file, fault.panel, 'lab-healthy', fault.requested);
      expect(healthy.panel.empty, `${fault.panel} on lab-healthy: ${healthy.panel.substituted}`).toBe(false);
      expect(healthy.panel.series).toBeGreaterThan(0);
      // A panel is empty when all its queries are: fewer empty panels on the healthy node, never more than queries.
      expect(healthy.result.emptyPanels).toBeLessThan(result.emptyPanels);
      expect(result.emptyPanels).toBeLessThanOrEqual(result.empty);
      expect(result.totalPanels).toBeLessThanOrEqual(result.total);
    });
  }
});

describe('faults that change values rather than remove series empty no panel', () => {
  it("lab-rootsized: its claims' volume panel has data (the wrong size), so nothing is empty to explain", async () => {
    const { panel } = await panelOf('kube-prometheus_persistentvolumesusage.json', 'Volume Space Usage', 'lab-rootsized', { namespace: 'analytics', volume: 'warehouse' });
    expect(panel.empty).toBe(false);
  });

  it("lab-deverror: Node Exporter Full's filesystem panel still shows the other mounts; asked for /root/data, the explainer names the device error", async () => {
    const { panel } = await panelOf('rfmoz_node-exporter-full.json', 'Filesystem Space Available', 'lab-deverror');
    expect(panel.empty).toBe(false);
    const explanation = await gapscope.explain('node_filesystem_avail_bytes{instance="$node", job="$job", mountpoint="/root/data"}', { node: 'lab-deverror', range, requested: { node: `${ip('lab-deverror')}:9100`, job: 'node-exporter' } });
    expect(explanation.empty).toBe(true);
    expect(faulty(explanation)[0]).toMatchObject({ verdict: 'label-value-absent', culprit: { matcher: 'mountpoint="/root/data"' } });
    expect(linked(explanation)).toContain('fs-device-error/permission-denied');
  });
});


describe('what a single Prometheus can tell', () => {
  it('has every capability, and speaks PromQL', async () => {
    expect(await detected(gapscope)).toMatchObject({ targetsApi: true, scrapeConfig: true, runtimeInfo: true, dialect: 'promql' });
  });
});

describe('verdicts against the real Prometheus', () => {
  const explain = (promql: string, node = 'lab-healthy') => gapscope.explain(promql, { node, range, requested: {} });

  it('range-too-short: rate() over a window shorter than two scrapes (the lab scrapes every 5 s)', async () => {
    const explanation = await explain('rate(node_filesystem_avail_bytes{mountpoint="/"}[4s])');
    expect(explanation.selectors[0]).toMatchObject({ verdict: 'range-too-short' });
    // The interval is estimated from the samples of the last minute: right after the lab starts some are
    // backfilled at one a minute, so it is at least the live 5 s, never less.
    const [, interval] = /one about every (\d+)s/.exec(explanation.selectors[0]!.reason) ?? [];
    expect(Number(interval)).toBeGreaterThanOrEqual(5);
  });

  it("matcher-excludes-all: a regex on the claim that none of the node's claims matches, with the ones it has", async () => {
    const explanation = await explain('kubelet_volume_stats_used_bytes{node="$node", persistentvolumeclaim=~"data-.+"}');
    expect(faulty(explanation)[0]).toMatchObject({ verdict: 'matcher-excludes-all', culprit: { label: 'persistentvolumeclaim' }, otherValues: ['cart-cache'] });
  });

  it('label-never-present: a Kubernetes label kube-state-metrics does not export, linked to the cluster-wide finding', async () => {
    const explanation = await explain('kube_pod_labels{label_app_kubernetes_io_name="cart"}');
    expect(faulty(explanation)[0]).toMatchObject({ verdict: 'label-never-present', culprit: { label: 'label_app_kubernetes_io_name' } });
    expect(linked(explanation)).toContain('inventory-labels-missing/metric-labels-allowlist');
  });

  it('metric-never-existed: a recording rule this Prometheus does not load', async () => {
    const explanation = await explain('node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate{node="$node"}');
    expect(explanation.selectors[0]).toMatchObject({ verdict: 'metric-never-existed' });
    expect(explanation.selectors[0]!.reason).toContain('recording rule');
  });

  it("no-matching-labels: node_exporter's series have no node label to join kube_node_info on in this profile", async () => {
    const explanation = await explain('node_filesystem_size_bytes{mountpoint="/"} * on(node) group_left(kubelet_version) kube_node_info');
    expect(explanation.empty).toBe(true);
    expect(explanation.joins[0]).toMatchObject({ verdict: 'no-matching-labels' });
    expect(explanation.joins[0]!.example!.differing).toEqual(['node']);
    expect(explanation.joins[0]!.reason).toContain('node is on the right side only');
    expect(explanation.requests).toBeLessThanOrEqual(EXPLAIN_REQUEST_BUDGET);
  });

  it('ok on lab-healthy: the same panels have data', async () => {
    const explanation = await explain('sum(rate(container_cpu_usage_seconds_total{node="$node", image!=""}[$__rate_interval])) by (pod)');
    expect(explanation.empty).toBe(false);
    expect(explanation.selectors.every((selector) => selector.verdict === 'ok')).toBe(true);
  });
});
