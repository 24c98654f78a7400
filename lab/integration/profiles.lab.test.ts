import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '@/lib/errors';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import { findingSchema } from '@/lib/contract/finding';
import { fleetInvestigationSchema } from '@/lib/contract/fleet';
import { nodeInvestigationSchema } from '@/lib/contract/investigation';
import { nodeTimelineSchema, type Timeline } from '@/lib/contract/timeline';
import { loadFleet } from '@/lib/server/inventory';
import { startLab, type RunningLab } from '../src/lab';
import { PROFILES } from '../src/targets';
import { expectAgreement } from '../test-support/agreement';
import { labGapscope, labKubelet, labKubeletProxy, labPrometheus, rangeEnding, upstreamFailure } from '../test-support/clients';
import { waitForScrapes } from '../test-support/prometheus-api';
import { EXPECTED_FINDINGS, EXPECTED_HEALTH, expectedFindings, PV_MOUNTS_EXCLUDED } from '../test-support/default-expectations';

const OCTETS: Record<string, number> = { 'kube-prometheus': 22, 'kubernetes-sd': 23, 'prometheus-chart': 25 };

describe.each(PROFILES.map((profile) => [profile, OCTETS[profile]!] as const))('the fleet with the %s profile', (profile, octet) => {
  const viaProxy = profile === 'prometheus-chart';
  /** The kubelet as gapscope reads it: directly, or through the API server where Prometheus does too. */
  const kubeletOf = () => (viaProxy ? labKubeletProxy(lab) : labKubelet(lab));
  let lab: RunningLab;
  beforeAll(async () => {
    lab = await startLab({ octet, profile });
    await waitForScrapes(lab.prometheusUrl, 5_000);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('lists every lab node with its target health, with no configuration', async () => {
    const client = labPrometheus(lab);
    const fleet = await loadFleet(client);
    expect(fleet.sources.every((source) => source.ok)).toBe(true);
    expect(fleet.healthFrom).toBe('targets-api');
    expect(fleet.unmatchedTargets).toBe(0);
    // Every target was tied to a node by its labels: node_uname_info was not needed, so not asked.
    expect(fleet.sources.map((source) => source.endpoint)).not.toContain('POST /api/v1/query node_uname_info');
    const health = Object.fromEntries(fleet.nodes!.map((node) => [node.name, Object.fromEntries(Object.entries(node.roles).map(([role, value]) => [role, value.health]))]));
    expect(health).toEqual(EXPECTED_HEALTH);
    // Directly or through the API server's proxy (which passes the kubelet's answer through), the same 401.
    const unauthorized = fleet.nodes!.find((node) => node.name === 'lab-unauthorized')!;
    expect(unauthorized.roles.kubelet.targets[0]!.lastError).toBe('server returned HTTP status 401 Unauthorized');
    if (viaProxy) {
      // Every kubelet target has the API server's address, and the API server's own /metrics is no kubelet's.
      const kubelets = fleet.nodes!.flatMap((node) => node.roles.kubelet.targets);
      expect(new Set(kubelets.map((target) => new URL(target.scrapeUrl!).host))).toEqual(new Set([new URL(lab.apiserverUrl).host]));
      expect(kubelets.map((target) => target.instance).sort()).toEqual(lab.nodes.map((node) => node.name).sort());
      expect(kubelets.some((target) => target.job === 'kubernetes-apiservers')).toBe(false);
    }
  });

  it("ties kube-state-metrics' series to their objects' nodes, whatever the job's honor_labels (premise checked in storage)", async () => {
    const client = labPrometheus(lab);
    const stored = async (promql: string) => (await client.instantQuery(promql)).length;
    if (profile === 'kubernetes-sd') {
      // Scraped without honor_labels: the pod's own node and namespace moved to exported_*; `node` is KSM's.
      expect(await stored('kube_pod_info{exported_node="lab-volumes"}')).toBeGreaterThan(0);
      expect(await stored('kube_pod_info{node="lab-volumes"}')).toBe(0);
      expect(await stored('kube_pod_info{exported_namespace="shop"}')).toBeGreaterThan(0);
    } else {
      expect(await stored('kube_pod_info{exported_node!=""}')).toBe(0);
    }
    const fleet = await loadFleet(client);
    expect(fleet.nodes!.map((node) => node.name).sort()).toEqual(Object.keys(EXPECTED_HEALTH).sort());
    expect(fleet.nodes!.find((node) => node.name === 'lab-volumes')!.internalIp).toBe(lab.nodes.find((node) => node.name === 'lab-volumes')!.ip);
  });

  it("stores the PV mounts node_exporter reports with the profile's flags (premise checked in storage)", async () => {
    const client = labPrometheus(lab);
    const ipOf = (name: string) => lab.nodes.find((node) => node.name === name)!.ip.replace(/\./g, '\\\\.');
    const sizes = async (name: string, mountpoint: string) => (await client.instantQuery(`node_filesystem_size_bytes{instance=~"${ipOf(name)}:[0-9]+",mountpoint=~"${mountpoint}"}`)).map((sample) => sample.value);
    if (profile === 'kube-prometheus') {
      // The chart's extraArgs exclude /var/lib/kubelet/.+: no PV mount of any node is stored, every root is.
      expect(await client.instantQuery('node_filesystem_size_bytes{mountpoint=~"/var/lib/kubelet/.+"}')).toEqual([]);
      // Every root is, except lab-wrongport's, whose exporter target scrapes the kubelet's port.
      expect(await client.instantQuery('node_filesystem_size_bytes{mountpoint="/"}')).toHaveLength(lab.nodes.length - 1);
      return;
    }
    // lab-rootsized's two PV mounts report exactly the root filesystem's size, and its free bytes.
    const [root] = await sizes('lab-rootsized', '/');
    expect(await sizes('lab-rootsized', '/var/lib/kubelet/pods/.+')).toEqual([root, root]);
    const free = await client.instantQuery(`node_filesystem_free_bytes{instance=~"${ipOf('lab-rootsized')}:[0-9]+",mountpoint=~"/var/lib/kubelet/pods/.+"} - on() group_left node_filesystem_free_bytes{instance=~"${ipOf('lab-rootsized')}:[0-9]+",mountpoint="/"}`);
    expect(free).toHaveLength(2);
    for (const difference of free) expect(Math.abs(difference.value)).toBeLessThan(64 * 2 ** 20);
    // Healthy PV mounts report their claim's capacity, not the root disk's.
    expect(await sizes('lab-healthy', '/var/lib/kubelet/pods/.+')).toEqual([10 * 2 ** 30]);
    expect(await sizes('lab-unauthorized', '/var/lib/kubelet/pods/.+')).toEqual([50 * 2 ** 30]);
  });

  it.each(Object.keys(EXPECTED_FINDINGS))('diagnoses %s: exactly the planted faults, with valid findings', async (name) => {
    const expected = expectedFindings(profile, name);
    const investigation = await labGapscope(labPrometheus(lab)).node(name, rangeEnding());
    expect(investigation.found).toBe(true);
    expect(nodeInvestigationSchema.parse(investigation)).toEqual(investigation);
    for (const finding of investigation.findings) expect(findingSchema.parse(finding)).toEqual(finding);
    const got = investigation.findings.map((finding) => [finding.kind, finding.cause, finding.subject]);
    expect(got).toHaveLength(expected.length);
    expected.forEach(([kind, cause, subject], index) => {
      expect(got[index]![0]).toBe(kind);
      expect(got[index]![1]).toBe(cause);
      if (subject instanceof RegExp) expect(got[index]![2]).toMatch(subject);
      else expect(got[index]![2]).toBe(subject);
    });
    expect(investigation.findings.every((finding) => finding.node === name && finding.evidence.length > 0)).toBe(true);
  });

  it('evaluates at a past instant from the backfilled history, before the faults were planted', async () => {
    const gapscope = labGapscope(labPrometheus(lab));
    const atMs = Date.now() - 4 * 3_600_000;
    const verdicts = async (name: string) => {
      const investigation = await gapscope.node(name, rangeEnding(atMs));
      expect(investigation.evaluatedAt).toBe(new Date(atMs).toISOString());
      expect(investigation.sources.find((source) => /^POST \/api\/v1\/query up at /.test(source.endpoint))).toMatchObject({ ok: true });
      return investigation.findings.map((finding) => [finding.kind, finding.cause]);
    };
    // Four hours ago lab-rootsized ran Docker and its mounts were fine (node_exporter on the chart's
    // extraArgs reported none of them, by design); the 401s began two hours ago, and lab-cadvisor's kubelet
    // restart happened 90 minutes ago.
    expect(await verdicts('lab-rootsized')).toEqual(profile === 'kube-prometheus' ? [PV_MOUNTS_EXCLUDED.slice(0, 2)] : []);
    expect(await verdicts('lab-unauthorized')).toEqual([]);
    expect(await verdicts('lab-cadvisor')).toEqual([]);
    // The wrong port is there since 5 h: still seen. `up` has no last error, but the exporter's instance
    // keeps its port (a pod endpoint's address, or the scraped address) and shows which. Through the API
    // server's proxy the kubelet's own port is only in the address node discovery gives it, read from the
    // targets API (as it is now) because a target was down at that instant.
    expect(await verdicts('lab-wrongport')).toEqual([['target-down', 'wrong-port']]);
  });

  it('counts every node\'s findings fleet-wide with a fixed number of queries, agreeing with the node view', async () => {
    const client = labPrometheus(lab);
    const fleet = await labGapscope(client).fleet();
    expect(fleetInvestigationSchema.parse(fleet)).toEqual(fleet);
    expect(fleet.sources.every((source) => source.ok)).toBe(true);
    // Issue 4's budget: at most 10 requests per fleet load, none of them naming a node.
    expect(client.requestCount).toBeLessThanOrEqual(10);
    expect(fleet.sources.length).toBe(client.requestCount);
    expect(fleet.sources.some((source) => /lab-[a-z]+/.test(source.endpoint))).toBe(false);
    for (const name of Object.keys(EXPECTED_FINDINGS)) {
      const expected = expectedFindings(profile, name);
      const summary = fleet.nodes!.find((node) => node.name === name)!;
      const kinds: Record<string, number> = {};
      for (const [kind] of expected) kinds[kind] = (kinds[kind] ?? 0) + 1;
      expect(summary.counts.byKind, name).toEqual(kinds);
      expect(summary.counts.total).toBe(expected.length);
    }
    const volumes = fleet.nodes!.find((node) => node.name === 'lab-volumes')!;
    const byDesign = profile === 'kube-prometheus' ? 3 : 2;
    expect(volumes.counts).toMatchObject({ expectedByDesign: byDesign, bySeverity: { critical: 0, warning: 1, info: byDesign } });
    expect(volumes.worstSeverity).toBe('warning');
    expect(fleet.nodes!.find((node) => node.name === 'lab-healthy')!.worstSeverity).toBeNull();
    // kube-state-metrics runs with its default flags: no label allowlist. Said once for the cluster, on no node.
    expect(fleet.clusterFindings.map((finding) => [finding.kind, finding.cause, finding.node])).toEqual([['inventory-labels-missing', 'metric-labels-allowlist', '']]);
  });

  it("inventory-labels-missing's premise: Prometheus holds kube_pod_labels without any label_*, and no kube_node_labels", async () => {
    const client = labPrometheus(lab);
    expect((await client.instantQuery('count(kube_pod_labels)'))[0]!.value).toBeGreaterThan(3);
    expect(await client.instantQuery('kube_node_labels')).toEqual([]);
    const names = await client.labelNames(['kube_pod_labels', 'kube_node_labels']);
    expect(names).toEqual(expect.arrayContaining(['__name__', 'uid']));
    expect(names.filter((name) => name.startsWith('label_'))).toEqual([]);
    // Each node page links to it, and counts it nowhere.
    const investigation = await labGapscope(client).node('lab-healthy', rangeEnding());
    expect(investigation.clusterFindings?.map((finding) => finding.kind)).toEqual(['inventory-labels-missing']);
    expect(investigation.findings.filter((finding) => !finding.expectedByDesign || finding.kind === 'inventory-labels-missing')).toEqual([]);
  });

  it('reads the kubelet itself where stats are missing, and reaches the same verdicts', async () => {
    const investigation = await labGapscope(labPrometheus(lab), kubeletOf()).node('lab-volumes', rangeEnding());
    expect(investigation.findings.map((finding) => [finding.kind, finding.cause, finding.subject])).toEqual(expectedFindings(profile, 'lab-volumes'));
    const kubeletSources = investigation.sources.filter((source) => source.source === (viaProxy ? 'kube-apiserver' : 'kubelet'));
    expect(kubeletSources.map((source) => [source.endpoint, source.ok])).toEqual([
      ['GET /metrics (lab-volumes)', true],
      ['GET /configz (lab-volumes)', true],
      ['GET /metrics/cadvisor (lab-volumes)', true],
      ['GET /stats/summary (lab-volumes)', true],
    ]);
    // Its containers, counted at every layer: three running, three pause sandboxes beside them at the source
    // (kube-state-metrics knows no sandbox), all three stored.
    expect(investigation.layers).toEqual([
      { family: 'cadvisor-labels', subject: 'container cgroups', expected: 3, source: { read: true, containers: 6, labelled: 6, emptyLabels: 0, legacyLabels: 0 }, stored: 3, unlabelledStored: 0, missing: [] },
    ]);
  });

  it("lab-cadvisor with the kubelet read: the empty labels at the source, their cause, and (kube-prometheus) the rule that drops them", async () => {
    const investigation = await labGapscope(labPrometheus(lab), kubeletOf()).node('lab-cadvisor', rangeEnding());
    expect(investigation.findings.map((finding) => [finding.kind, finding.cause, finding.layer])).toEqual([['cadvisor-labels-empty', 'runtime-started-after-kubelet', 'source']]);
    const [finding] = investigation.findings;
    const kubeletLines = finding!.evidence.filter((entry) => entry.source === 'kubelet').map((entry) => entry.excerpt).join('\n');
    expect(kubeletLines).toMatch(/container_start_time_seconds\{container="",id="\/kubepods\/[^"]+\/[0-9a-f]{64}",image="",name="",namespace="",pod=""\}/);
    expect(kubeletLines).toContain('id="/system.slice/containerd.service"');
    const rule = finding!.evidence.find((entry) => entry.endpoint === 'GET /api/v1/status/config');
    const layers = investigation.layers![0]!;
    expect(layers).toMatchObject({ expected: 3, stored: 0, source: { read: true, containers: 5, labelled: 0, emptyLabels: 5 } });
    if (profile === 'kube-prometheus') {
      expect(rule?.excerpt).toBe("scrape job serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1, metric_relabel_configs #8 drop [id, pod] regex '.+;'");
      expect(finding!.explanation).toMatch(/Prometheus keeps none of them/);
      expect(layers.missing).toEqual([{ layer: 'source', reason: 'empty-labels', text: 'at the kubelet without pod labels', count: 3, job: 'serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1', rule: "#8 drop [id, pod] regex '.+;'" }]);
    } else {
      // Stored unlabelled: no rule drops them, and the stored series say it too.
      expect(rule).toBeUndefined();
      expect(layers).toMatchObject({ unlabelledStored: 5, missing: [{ layer: 'source', reason: 'empty-labels', count: 3 }] });
    }
  });

  it('marks the sources it could not consult and why, instead of failing', async () => {
    const gapscope = labGapscope(labPrometheus(lab));
    const investigation = await gapscope.node('lab-wrongport', rangeEnding());
    const skipped = investigation.sources.filter((source) => !source.ok);
    expect(skipped.map((source) => source.detail)).toEqual([expect.stringMatching(/^not queried: the node's node-exporter target is down/)]);
    expect((await gapscope.node('not-a-lab-node', rangeEnding())).found).toBe(false);
  });

  it.each(Object.keys(EXPECTED_FINDINGS))('%s: the findings and the timeline agree at the end of the range', async (name) => {
    const { timeline } = await expectAgreement(labGapscope(labPrometheus(lab)), name);
    // A lane is never a gap, or "not expected", at a step where its series is stored: lab-volumes' claim with
    // stats is ok all along, and by-design claims never turn red.
    if (name === 'lab-volumes') {
      const states = (subject: string) => new Set(timeline.lanes.find((lane) => lane.subject === subject)!.segments.map((segment) => segment.state));
      expect(states('tools/hostpath-cache')).toEqual(new Set(['by-design']));
      expect(states('backup/nightly-scratch').has('gap')).toBe(false);
    }
  });

  describe('timelines over the backfilled history', () => {
    const timelineOf = async (node: string) => {
      const client = labPrometheus(lab);
      const now = Date.now();
      const result = await labGapscope(client).timeline(node, rangeEnding(undefined, now), now);
      expect(nodeTimelineSchema.parse(result)).toEqual(result);
      expect(result.sources.filter((source) => !source.ok)).toEqual([]);
      // Issue 4's budget: at most 25 requests per node page; the timeline's share is fixed: its node's
      // inventory (2, plus the fleet's 2 when a target is not up), one range request per family with
      // queries (4), one for the node's health and events, the scrape configuration, whether
      // kube-state-metrics' labels are exported_*, and, where they are not (kubernetes-sd's KSM job has no
      // honor_labels), the node's pods over the range (lib/server/gather.ts nodePods).
      const anyDown = result.sources.some((source) => source.endpoint === 'GET /api/v1/targets');
      const podsListed = profile === 'kubernetes-sd' ? 0 : 1;
      expect(client.requestCount).toBe((anyDown ? 11 : 9) + podsListed);
      return result.timeline!;
    };
    const minutesAgo = (ms: number) => Math.round((Date.now() - ms) / 60_000);
    const explanation = (timeline: Timeline, laneId: string | RegExp) => timeline.explanations.filter((entry) => (typeof laneId === 'string' ? entry.laneId === laneId : laneId.test(entry.laneId)));

    it('lab-cadvisor: empty labels began after the kubelet restart, before containerd started', async () => {
      const timeline = await timelineOf('lab-cadvisor');
      const [began] = explanation(timeline, 'cadvisor-labels:container cgroups');
      const kubelet = timeline.events.find((event) => event.kind === 'restart' && event.component === 'kubelet')!;
      const runtime = timeline.events.find((event) => event.kind === 'restart' && event.component === 'runtime');
      if (profile === 'kube-prometheus') {
        // The unlabelled series are dropped, so the lane turns when the labelled ones leave the 5-minute
        // lookback; containerd's own unit series is dropped too, so its start is not stored.
        expect(began?.text).toMatch(/^Running containers without stored cAdvisor series began \d+ (s|min) after the kubelet restarted at \d\d:\d\d:\d\d UTC\. When the runtime started is not stored/);
        expect(runtime).toBeUndefined();
        expect(began!.eventIds).toEqual([kubelet.id]);
        expect(minutesAgo(began!.atMs)).toBeGreaterThanOrEqual(83);
      } else {
        expect(began?.text).toMatch(/^Empty image\/name labels began \d+ s after the kubelet restarted at \d\d:\d\d:\d\d UTC, while the runtime \(containerd\) only started at/);
        expect(Math.abs(runtime!.atMs - kubelet.atMs - 120_000)).toBeLessThan(2_000);
        expect(began!.eventIds).toEqual([kubelet.id, runtime!.id]);
        expect(minutesAgo(began!.atMs)).toBeGreaterThanOrEqual(88);
      }
      // The lab started a minute or two ago; the kubelet restarted 90 minutes before that, containerd 2 minutes later.
      expect(minutesAgo(began!.atMs)).toBeLessThanOrEqual(95);
    });

    it("lab-cadvisor with the kubelet read: the runtime started after the kubelet, stored or read at the source, in every profile", async () => {
      const now = Date.now();
      const result = await labGapscope(labPrometheus(lab), kubeletOf()).timeline('lab-cadvisor', rangeEnding(undefined, now), now);
      expect(nodeTimelineSchema.parse(result)).toEqual(result);
      const timeline = result.timeline!;
      const kubelet = timeline.events.find((event) => event.kind === 'restart' && event.component === 'kubelet')!;
      const runtime = timeline.events.find((event) => event.kind === 'restart' && event.component === 'runtime')!;
      expect(Math.abs(runtime.atMs - kubelet.atMs - 120_000)).toBeLessThan(2_000);
      // kube-prometheus-stack drops the systemd units' series: containerd's start comes from the kubelet itself.
      expect(runtime.layer).toBe(profile === 'kube-prometheus' ? 'source' : undefined);
      const [began] = explanation(timeline, 'cadvisor-labels:container cgroups');
      expect(began!.text).toMatch(/began \d+ (s|min) after the kubelet restarted at \d\d:\d\d:\d\d UTC, while the runtime \(containerd\) only started at \d\d:\d\d:\d\d UTC: cAdvisor registered no factory for it/);
      expect(began!.eventIds).toEqual([kubelet.id, runtime.id]);
    });

    it('lab-rootsized: PV mounts report the root size since the switch from Docker to containerd', async () => {
      const timeline = await timelineOf('lab-rootsized');
      const switched = timeline.events.find((event) => event.kind === 'runtime-switch');
      expect(switched?.summary).toBe('runtime switched: docker://24.0.7 → containerd://1.7.27');
      expect(switched).toMatchObject({ component: 'runtime', fromVersion: 'docker://24.0.7', toVersion: 'containerd://1.7.27' });
      // Both claims' volume stats turned root-sized at the switch; node_exporter says so too where it reports
      // PV mounts at all (not on the chart's extraArgs).
      expect(explanation(timeline, /^volume-stats:analytics\//).map((entry) => entry.eventIds)).toEqual([[switched!.id], [switched!.id]]);
      expect(explanation(timeline, /^root-sized-filesystem:/).map((entry) => entry.eventIds)).toEqual(profile === 'kube-prometheus' ? [] : [[switched!.id], [switched!.id]]);
    });

    it('lab-deverror: device errors began when node-exporter restarted as uid 65534', async () => {
      const timeline = await timelineOf('lab-deverror');
      const [began] = explanation(timeline, 'device-error:/root/data');
      expect(began?.text).toMatch(/^Device errors began \d+ s after node-exporter restarted at/);
      expect(minutesAgo(began!.atMs)).toBeGreaterThanOrEqual(238);
    });

    it('lab-unauthorized: the kubelet targets went down after its restart; the moved claim has no stats here', async () => {
      const timeline = await timelineOf('lab-unauthorized');
      const down = explanation(timeline, /^scrape:(kubelet|cAdvisor) /);
      expect(down.length).toBeGreaterThanOrEqual(2);
      // The kubelet restarted into the 401s, so Prometheus never saw its new start time: the text says so.
      for (const entry of down) expect(entry.text).toMatch(/went down at .*a restart that broke the scrape itself cannot be seen from Prometheus.*its last error tells which\.$/);
      expect(explanation(timeline, 'volume-stats:shop/orders-db')[0]?.text).toMatch(/^Stats for shop\/orders-db are missing since shop\/orders-db-0 moved from lab-volumes to lab-unauthorized at .*, and this node's kubelet target is down/);
    });

    it('lab-volumes: the orders-db stats stop where its pod moved away, which is no gap', async () => {
      const timeline = await timelineOf('lab-volumes');
      const lane = timeline.lanes.find((entry) => entry.id === 'volume-stats:shop/orders-db')!;
      expect(lane.segments.map((segment) => segment.state)).toEqual(['ok', 'not-expected']);
      expect(explanation(timeline, 'volume-stats:shop/orders-db')[0]?.text).toMatch(/moved from lab-volumes to lab-unauthorized\. They now come from that node's kubelet; nothing is missing\.$/);
    });

    it('lab-wrongport: the exporter target went down with nothing restarted on the node', async () => {
      const timeline = await timelineOf('lab-wrongport');
      const [down] = explanation(timeline, 'scrape:node-exporter');
      expect(down?.text).toMatch(/went down at .*, with no restart or version change seen on the node before it/);
      // prometheus-chart: the exporter keeps its `node` label when its address changes, so one series per address.
      // Where the exporter's address changed (kubernetes-sd), the old series answers 5 more minutes (lookback).
      expect(minutesAgo(down!.atMs)).toBeGreaterThanOrEqual(294);
      expect(minutesAgo(down!.atMs)).toBeLessThanOrEqual(305);
    });

    it('lab-healthy: every lane ok (or no data before history), nothing to explain', async () => {
      const timeline = await timelineOf('lab-healthy');
      expect(timeline.explanations).toEqual([]);
      expect(timeline.lanes.flatMap((entry) => entry.segments).filter((segment) => segment.state === 'gap')).toEqual([]);
    });
  });
});

describe('the simulated kubelet and API server', () => {
  let lab: RunningLab;
  let agent: Agent;
  const token = (name: keyof RunningLab['tokenFiles']) => readFileSync(lab.tokenFiles[name], 'utf8');
  const get = async (url: string, bearer?: string) => {
    const response = await fetch(url, { dispatcher: agent, headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    lab = await startLab({ octet: 24 });
    agent = new Agent({ connect: { ca: readFileSync(lab.caFile) } });
  });
  afterAll(async () => {
    await agent?.close();
    await lab?.stop();
  });

  const kubelet = (name: string) => lab.nodes.find((node) => node.name === name)!.kubeletUrl;

  it('serves /metrics, /metrics/cadvisor, /stats/summary and /configz to an authorized token over verified TLS', async () => {
    const metrics = await get(`${kubelet('lab-healthy')}/metrics`, token('gapscope'));
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('kubelet_node_name{node="lab-healthy"} 1');
    expect((await get(`${kubelet('lab-healthy')}/metrics/cadvisor`, token('gapscope'))).body).toContain('# TYPE container_cpu_usage_seconds_total counter');
    const summary = JSON.parse((await get(`${kubelet('lab-healthy')}/stats/summary`, token('gapscope'))).body);
    expect(summary.pods[0].volume[0].pvcRef).toEqual({ name: 'cart-cache', namespace: 'shop' });
    const configz = JSON.parse((await get(`${kubelet('lab-healthy')}/configz`, token('gapscope'))).body);
    expect(configz.kubeletconfig.volumeStatsAggPeriod).toBe('1m0s');
  });

  it.each([
    ['no token', undefined, 401, 'Unauthorized'],
    ['an unknown token', 'not-a-token', 401, 'Unauthorized'],
    ['a token without nodes/metrics', 'noRights', 403, 'Forbidden (user=system:serviceaccount:monitoring:prometheus-k8s, verb=get, resource=nodes, subresource(s)=[metrics])'],
  ] as const)('answers %s with %i', async (_, bearer, status, body) => {
    const sent = bearer === 'noRights' ? token('noRights') : bearer;
    expect(await get(`${kubelet('lab-healthy')}/metrics`, sent)).toEqual({ status, body });
  });

  it('answers every token with 401 where the kubelet authenticates nobody', async () => {
    expect((await get(`${kubelet('lab-unauthorized')}/metrics`, token('gapscope'))).status).toBe(401);
  });

  it('answers plain HTTP on the kubelet port with 400, as Go does', async () => {
    const url = new URL(kubelet('lab-healthy'));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: url.hostname, port: url.port, path: '/metrics' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      }).on('error', reject).end();
    });
    expect(answer).toEqual({ status: 400, body: 'Client sent an HTTP request to an HTTPS server.\n' });
  });

  it("proxies to a kubelet through the API server, and passes the kubelet's own 401 through", async () => {
    const proxied = await get(`${lab.apiserverUrl}/api/v1/nodes/lab-healthy/proxy/metrics`, token('gapscope'));
    expect(proxied.status).toBe(200);
    expect(proxied.body).toContain('kubelet_node_name{node="lab-healthy"} 1');
    // lab-unauthorized authenticates nobody, the API server's client certificate included.
    expect(await get(`${lab.apiserverUrl}/api/v1/nodes/lab-unauthorized/proxy/metrics`, token('gapscope'))).toEqual({ status: 401, body: 'Unauthorized' });
  });

  it('answers an unknown node with a NotFound Status and a caller without rights with Forbidden', async () => {
    const missing = await get(`${lab.apiserverUrl}/api/v1/nodes/nope/proxy/metrics`, token('gapscope'));
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'nodes "nope" not found' });
    const forbidden = await get(`${lab.apiserverUrl}/api/v1/nodes/lab-healthy/proxy/metrics`, token('noRights'));
    expect(forbidden.status).toBe(403);
    expect(JSON.parse(forbidden.body).reason).toBe('Forbidden');
  });

  it('lists nodes with their InternalIP and kubelet port, as the API server does', async () => {
    const list = JSON.parse((await get(`${lab.apiserverUrl}/api/v1/nodes`, token('gapscope'))).body);
    expect(list.kind).toBe('NodeList');
    expect(list.items).toHaveLength(7);
    expect(list.items[0].status.addresses[0]).toEqual({ type: 'InternalIP', address: lab.nodes[0]!.ip });
  });

  describe('read by gapscope\'s kubelet adapter', () => {
    const emptyImageContainers = async (body: AsyncIterable<Buffer>) => {
      let count = 0;
      const scanner = new ExpositionScanner({
        families: ['container_last_seen'],
        onSample: (sample) => void (sample.labels.image === '' && /\/pod[^/]+\/[0-9a-f]{64}$/.test(sample.labels.id ?? '') && count++),
      });
      for await (const chunk of body) scanner.push(chunk);
      return { count, summary: scanner.end() };
    };
    const direct = (tokenFile = lab.tokenFiles.gapscope) => labKubelet(lab, tokenFile);
    const proxy = () => labKubeletProxy(lab);
    const node = (name: string) => ({ name, kubeletAddress: new URL(lab.nodes.find((candidate) => candidate.name === name)?.kubeletUrl ?? 'https://127.0.0.1:1').host });

    it('finds the containers with empty image labels on lab-cadvisor only, directly', async () => {
      const broken = await direct().read(node('lab-cadvisor'), '/metrics/cadvisor', 'empty-image', emptyImageContainers);
      expect(broken.count).toBe(5);
      expect(broken.summary.issues).toBe(0);
      expect((await direct().read(node('lab-healthy'), '/metrics/cadvisor', 'empty-image', emptyImageContainers)).count).toBe(0);
    });

    it('classifies the kubelet that rejects every token, and a token without rights', async () => {
      const unauthorized = await direct().read(node('lab-unauthorized'), '/metrics', 'x', async () => 0).catch((error: unknown) => error);
      expect(unauthorized).toBeInstanceOf(UpstreamError);
      expect((unauthorized as UpstreamError).kind).toBe('unauthorized');
      const forbidden = await direct(lab.tokenFiles.noRights).read(node('lab-healthy'), '/metrics', 'x', async () => 0).catch((error: unknown) => error);
      expect((forbidden as UpstreamError).kind).toBe('forbidden');
      expect((forbidden as UpstreamError).message).toMatch(/subresource\(s\)=\[metrics\]/);
    });

    it("reads through the API server proxy with the kubeconfig, and tells the kubelet's 401 from the API server's", async () => {
      const text = await proxy().read({ name: 'lab-healthy' }, '/metrics', 'text', async (body) => {
        let all = '';
        for await (const chunk of body) all += chunk.toString();
        return all;
      });
      expect(text).toContain('kubelet_node_name{node="lab-healthy"} 1');
      const error = await upstreamFailure(proxy().read({ name: 'lab-unauthorized' }, '/metrics', 'x', async () => 0));
      expect(error).toMatchObject({ kind: 'unauthorized', source: 'kube-apiserver' });
      expect(error.message).toMatch(/the kubelet rejected the API server's client certificate/);
    });

    it('reports an unknown node through the proxy as the API server does', async () => {
      const error = await proxy().read({ name: 'no-such-node' }, '/metrics', 'x', async () => 0).catch((reason: unknown) => reason);
      expect((error as UpstreamError).kind).toBe('http-status');
      expect((error as UpstreamError).source).toBe('kube-apiserver');
      expect((error as UpstreamError).message).toMatch(/returned HTTP 404 .*nodes \\"no-such-node\\" not found/);
    });
  });
});
