import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingSchema } from '@/lib/contract/finding';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import type { Gapscope } from '@/lib/server/gapscope';
import type { KubeletClient } from '@/lib/kubelet/client';
import type { PrometheusClient } from '@/lib/prometheus/client';
import { startLab, type RunningLab } from '../src/lab';
import { LEGACY_EXPORTER_JOB, OTHER_STACK_CADVISOR_JOB, PROFILES } from '../src/targets';
import { expectAgreement } from '../test-support/agreement';
import { labGapscope, labKubelet, labKubeletProxy, labPrometheus, rangeEnding } from '../test-support/clients';
import { EXPECTED, moreFaultsExpected } from '../test-support/more-faults-expectations';
import { waitForScrapes } from '../test-support/prometheus-api';

const OCTETS: Record<string, number> = { 'kube-prometheus': 26, 'kubernetes-sd': 27, 'prometheus-chart': 28 };

describe.each(PROFILES.map((profile) => [profile, OCTETS[profile]!] as const))('the more-faults scenario with the %s profile', (profile, octet) => {
  const viaProxy = profile === 'prometheus-chart';
  let lab: RunningLab;
  let prometheus: PrometheusClient;
  let kubelet: KubeletClient;
  let withKubelet: Gapscope;

  beforeAll(async () => {
    lab = await startLab({ octet, profile, scenarioFile: resolve(__dirname, '..', 'scenarios', 'more-faults.yaml') });
    await waitForScrapes(lab.prometheusUrl, 5_000);
    prometheus = labPrometheus(lab);
    // Where Prometheus scrapes through the API server, gapscope reads the kubelet that way too.
    kubelet = viaProxy ? labKubeletProxy(lab) : labKubelet(lab);
    withKubelet = labGapscope(prometheus, kubelet);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it.each(Object.keys(EXPECTED))('diagnoses %s exactly', async (name) => {
    const expected = moreFaultsExpected(profile, name);
    const investigation = await withKubelet.node(name, rangeEnding());
    for (const finding of investigation.findings) findingSchema.parse(finding);
    expect(investigation.findings.map((finding) => [finding.kind, finding.cause, finding.subject])).toEqual(expected);
  });

  it('needs the kubelet itself to tell volume stats disabled from an unexplained gap', async () => {
    const withoutKubelet = await labGapscope(prometheus).node('lab-statsoff', rangeEnding());
    expect(withoutKubelet.findings.filter((finding) => !finding.expectedByDesign).map((finding) => finding.cause)).toEqual(['unknown']);
  });

  it('shows the embedded runtime as the real k3s does: no containerd.service cgroup, the agent unit instead', async () => {
    // At the kubelet, in every profile.
    const node = lab.nodes.find((candidate) => candidate.name === 'lab-cadvisor')!;
    const units = await labKubelet(lab).read({ name: node.name, kubeletAddress: new URL(node.kubeletUrl).host }, '/metrics/cadvisor', 'units', async (body) => {
      const ids: string[] = [];
      const scanner = new ExpositionScanner({ families: ['container_start_time_seconds'], onSample: (sample) => void (sample.labels.id?.startsWith('/system.slice/') && ids.push(sample.labels.id)) });
      for await (const chunk of body) scanner.push(chunk);
      scanner.end();
      return ids.sort();
    });
    expect(units).toEqual(['/system.slice/k3s-agent.service', '/system.slice/kubelet.service']);
    // Stored: the chart's rules drop every cgroup series without a pod, units included; kubernetes-sd keeps them.
    const stored = async (id: string) => (await prometheus.instantQuery(`container_start_time_seconds{id=${JSON.stringify(id)}}`)).length;
    expect(await stored('/system.slice/k3s-agent.service')).toBe(profile === 'kube-prometheus' ? 0 : 1);
    // Twelve nodes' containerd.service is stored, lab-twostacks' twice (two jobs): lab-forbidden refuses every
    // scrape, lab-big's and lab-digest's cAdvisor exceed the job's limits, lab-uninitialized has no target. In
    // kube-prometheus only the second stack's job, which has no such rule, stores one.
    expect(await stored('/system.slice/containerd.service')).toBe(profile === 'kube-prometheus' ? 1 : 13);
  });

  it("lab-twostacks' premise: each container series stored under two jobs with one cgroup id, from two scrape URLs", async () => {
    const series = await prometheus.instantQuery('container_cpu_usage_seconds_total{pod="recommender-7b8c9d6e5-f3g5h",container="recommender"}');
    const jobs = series.map((entry) => entry.labels.job);
    expect(jobs).toContain(OTHER_STACK_CADVISOR_JOB);
    expect(new Set(jobs).size).toBe(2);
    expect(new Set(series.map((entry) => entry.labels.id)).size).toBe(1);
    const urls = (await prometheus.targets()).filter((target) => Object.values(target.labels).includes('lab-twostacks') || target.scrapeUrl.includes('/nodes/lab-twostacks/')).filter((target) => target.scrapeUrl.endsWith('/metrics/cadvisor')).map((target) => target.scrapeUrl);
    // Two URLs, except where the profile itself scrapes through the proxy: then one URL twice.
    expect(new Set(urls).size).toBe(viaProxy ? 1 : 2);
    expect(urls.length).toBe(2);
  });

  it("lab-twice's premise: its exporter's series are stored once per job, since the leftover job began", async () => {
    const ip = lab.nodes.find((node) => node.name === 'lab-twice')!.ip.replace(/\./g, '\\\\.');
    const jobs = async (atMs?: number) => (await prometheus.instantQuery(`count by (job) (node_filesystem_size_bytes{instance=~"${ip}:[0-9]+",mountpoint="/"})`, atMs)).map((sample) => sample.labels.job).sort();
    expect(await jobs()).toEqual([expect.any(String), LEGACY_EXPORTER_JOB].sort());
    expect(new Set(await jobs()).size).toBe(2);
    // Three hours ago only the profile's own job scraped it.
    expect(await jobs(Date.now() - 3 * 3_600_000)).toHaveLength(1);
  });

  it('lab-twice: the timeline says when the second job began', async () => {
    const now = Date.now();
    const { timeline } = await withKubelet.timeline('lab-twice', rangeEnding(undefined, now), now);
    const began = timeline!.explanations.find((entry) => entry.laneId === 'scrape:node-exporter scraped twice');
    expect(began?.text).toMatch(/^From \d\d:\d\d:\d\d UTC the node-exporter of this node is scraped by 2 jobs \(.*node-exporter-legacy\)/);
    expect(Math.abs(began!.atMs - (now - 2 * 3_600_000))).toBeLessThan(10 * 60_000);
  });

  it("lab-thermal's and lab-textfile's premise: the real node_exporters report the failures, and nfs reports 0 on every node", async () => {
    const exporterOf = (name: string) => lab.nodes.find((node) => node.name === name)!.ip.replace(/\./g, '\\\\.');
    const success = async (name: string, collector: string) =>
      (await prometheus.instantQuery(`node_scrape_collector_success{instance=~"${exporterOf(name)}:[0-9]+",collector="${collector}"}`)).map((sample) => sample.value);
    expect(await success('lab-thermal', 'thermal_zone')).toEqual([0]);
    expect(await success('lab-statsoff', 'thermal_zone')).toEqual([1]);
    // It worked on lab-thermal until two hours ago.
    const worked = await prometheus.instantQuery(`max_over_time(node_scrape_collector_success{instance=~"${exporterOf('lab-thermal')}:[0-9]+",collector="thermal_zone"}[1d])`);
    expect(worked.map((sample) => sample.value)).toEqual([1]);
    const textfileErrors = await prometheus.instantQuery('node_textfile_scrape_error == 1');
    const textfileIp = lab.nodes.find((node) => node.name === 'lab-textfile')!.ip;
    expect(textfileErrors.map((sample) => sample.labels.instance!.split(':')[0])).toEqual([textfileIp]);
    // The good file of the same directory is still read; the half-written one is not.
    expect((await prometheus.instantQuery('node_reboot_required')).length).toBe(1);
    expect((await prometheus.instantQuery('apt_upgrades_pending')).length).toBe(0);
    // No data is not an error: nfs is 0 everywhere, and nowhere a finding.
    const nfs = await prometheus.instantQuery('node_scrape_collector_success{collector="nfs"}');
    expect(nfs.length).toBeGreaterThan(5);
    expect(nfs.every((sample) => sample.value === 0)).toBe(true);
  });

  it("lab-big's and lab-digest's premise: the real Prometheus enforces the cAdvisor job's limits on them only", async () => {
    const targets = await prometheus.targets();
    const cadvisorOf = (name: string) => targets.filter((target) => target.scrapeUrl.includes('/metrics/cadvisor') && Object.values(target.labels).includes(name));
    expect(cadvisorOf('lab-big').map((target) => target.lastError)).toEqual(['sample limit exceeded']);
    expect(cadvisorOf('lab-digest').map((target) => target.lastError)).toEqual([expect.stringMatching(/^label_value_length_limit exceeded \(metric: .*label name: image/)]);
    expect(cadvisorOf('lab-twice').map((target) => target.health)).toEqual(['up']);
    // The body size limit: lab-packages' exporter answers over 1 MiB; every other target, Prometheus' own included, stays below.
    const packages = lab.nodes.find((node) => node.name === 'lab-packages')!.ip;
    expect(targets.filter((target) => target.health === 'down' && /body size limit/.test(target.lastError)).map((target) => target.scrapeUrl)).toEqual([expect.stringContaining(`//${packages}:`)]);
    // Its kubelet /metrics, under the same limits in kube-prometheus, is below them.
    const kubeletOf = targets.filter((target) => /^https:.*\/metrics$/.test(target.scrapeUrl) && Object.values(target.labels).includes('lab-big'));
    expect(kubeletOf.map((target) => target.health)).toEqual(['up']);
    // gapscope reads the limits from Prometheus' own rendering of its configuration, and names them.
    const config = await prometheus.scrapeConfig();
    const job = [...config.values()].find((entry) => entry.limits.sample_limit !== undefined && entry.metricsPath.length > 0 && targets.some((target) => target.pool === entry.jobName && target.scrapeUrl.includes('cadvisor')));
    expect(job?.limits).toMatchObject({ sample_limit: 250, label_value_length_limit: 160 });
    const [finding] = (await withKubelet.node('lab-big', rangeEnding())).findings;
    expect(finding!.explanation).toContain(`The target exposes more samples than the job ${job!.jobName} accepts (sample_limit: 250)`);
    // Its timeline's cAdvisor lane is down all along (the node was always this big), for the same cause.
    const now = Date.now();
    const { timeline } = await withKubelet.timeline('lab-big', rangeEnding(undefined, now), now);
    const lane = timeline!.lanes.find((entry) => entry.id === 'scrape:cAdvisor /metrics/cadvisor')!;
    expect(lane.segments.map((segment) => [segment.state, segment.cause])).toEqual([['gap', 'sample-limit']]);
  });

  it('kube-state-metrics with a label allowlist: its labels are stored, and nothing is said about them', async () => {
    expect(await prometheus.labelNames(['kube_node_labels'])).toEqual(expect.arrayContaining(['label_kubernetes_io_os', 'label_kubernetes_io_arch']));
    expect(await prometheus.labelNames(['kube_pod_labels'])).toContain('label_app_kubernetes_io_name');
    expect((await withKubelet.fleet()).clusterFindings).toEqual([]);
  });

  it("lab-crio's premise: pods with CPU series and none with network series; on containerd every pod has both", async () => {
    const pods = async (node: string, metric: string) => {
      const ip = lab.nodes.find((candidate) => candidate.name === node)!.ip;
      const series = await prometheus.instantQuery(`${metric}{pod!=""}`);
      return new Set(series.filter((entry) => entry.labels.instance?.startsWith(`${ip}:`) || Object.values(entry.labels).includes(node)).map((entry) => entry.labels.pod)).size;
    };
    expect(await pods('lab-crio', 'container_cpu_usage_seconds_total')).toBe(2);
    expect(await pods('lab-crio', 'container_network_receive_bytes_total')).toBe(0);
    expect(await pods('lab-crio-host', 'container_network_receive_bytes_total')).toBe(0);
    expect(await pods('lab-twice', 'container_network_receive_bytes_total')).toBe(1);
    const hostNetwork = await prometheus.instantQuery('kube_pod_info{host_network="true"}');
    expect(hostNetwork.length).toBe(2);
  });

  it('lab-restart: after its container restarts, both cgroups are stored for the lookback, and the finding says why', async () => {
    // The restart comes 45 s after the lab's start; its old series lingers for five minutes after that.
    const duplicated = async () => (await withKubelet.node('lab-restart', rangeEnding())).findings.filter((finding) => finding.kind === 'cadvisor-series-duplicated');
    let findings = await duplicated();
    for (let attempt = 0; findings.length === 0 && attempt < 60; attempt++) {
      await new Promise((done) => setTimeout(done, 2_000));
      findings = await duplicated();
    }
    expect(findings.map((finding) => [finding.cause, finding.subject])).toEqual([['stale-after-restart', 'container series']]);
    expect(findings[0]!.explanation).toMatch(/honor_timestamps: true and track_timestamps_staleness: false/);
    // The premise: two series for one container, with two cgroup ids, both answering an instant query.
    const series = await prometheus.instantQuery('container_cpu_usage_seconds_total{namespace="shop",pod="payments-7d5f6c8b9-k3j5h",container="payments"}');
    expect(new Set(series.map((entry) => entry.labels.id)).size).toBe(2);
    // The container that restarted two hours ago has one.
    expect((await prometheus.instantQuery('container_cpu_usage_seconds_total{pod="orders-6c4d5e7f8-n8m2b",container="orders"}')).length).toBe(1);
  }, 180_000);

  it('lab-thermal: the timeline says when the collector began failing', async () => {
    const now = Date.now();
    const { timeline } = await withKubelet.timeline('lab-thermal', rangeEnding(undefined, now), now);
    const began = timeline!.explanations.find((entry) => entry.laneId === 'collector:collector thermal_zone');
    expect(began?.text).toMatch(/^node_exporter's thermal_zone collector began failing at \d\d:\d\d:\d\d UTC with no exporter restart before it/);
    expect(Math.abs(began!.atMs - (now - 2 * 3_600_000))).toBeLessThan(10 * 60_000);
  });

  it('keeps the collector running on the 1.34.1 kubelet while its gauges are absent', async () => {
    // Selected by instance: the kubernetes-sd profile has no `node` label on kubelet series, and the
    // prometheus chart's instance is the node's name.
    const ip = lab.nodes.find((node) => node.name === 'lab-regression')!.ip;
    const port = new URL(lab.nodes.find((node) => node.name === 'lab-regression')!.kubeletUrl).port;
    const instance = viaProxy ? 'lab-regression' : `${ip}:${port}`;
    const query = `kubelet_volume_metric_collection_duration_seconds_count{instance="${instance}",metric_source="csi"}`;
    const response = await fetch(`${lab.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
    const [series] = ((await response.json()) as { data: { result: { value: [number, string] }[] } }).data.result;
    expect(Number(series!.value[1])).toBeGreaterThan(0);
  });

  it('lab-regression: the claim lost its stats at the kubelet upgrade to 1.34.1, and the timeline says so', async () => {
    const now = Date.now();
    const { timeline } = await labGapscope(prometheus).timeline('lab-regression', rangeEnding(undefined, now), now);
    const upgrade = timeline!.events.find((event) => event.kind === 'version-change' && event.component === 'kubelet')!;
    expect(upgrade).toMatchObject({ fromVersion: 'v1.33.5', toVersion: 'v1.34.1' });
    // Planted two hours before the lab started, a minute or two ago.
    expect((now - upgrade.atMs) / 60_000).toBeGreaterThanOrEqual(119);
    expect((now - upgrade.atMs) / 60_000).toBeLessThanOrEqual(126);
    const lane = timeline!.lanes.find((entry) => entry.id === 'volume-stats:data/regressed')!;
    expect(lane.segments.map((segment) => [segment.state, segment.cause])).toEqual([['ok', undefined], ['gap', 'kubelet-regression']]);
    const [explained] = timeline!.explanations.filter((entry) => entry.laneId === lane.id);
    expect(explained!.eventIds).toEqual([upgrade.id]);
    expect(explained!.text).toMatch(/^Stats for data\/regressed vanished .* the kubelet was upgraded from v1\.33\.5 to v1\.34\.1 at /);
  });

  it.each(Object.keys(EXPECTED))('%s: the findings and the timeline agree at the end of the range', async (name) => {
    await expectAgreement(labGapscope(prometheus), name);
  });
});

describe('right after Prometheus starts', () => {
  it('does not call a node\'s targets missing before two scrape intervals have passed, and says so', { timeout: 180_000 }, async () => {
    // A minute between scrapes: for two minutes after its start Prometheus may not have found every target.
    const lab = await startLab({ octet: 29, scenarioFile: resolve(__dirname, '..', 'scenarios', 'more-faults.yaml'), scrapeIntervalMs: 60_000 });
    try {
      // The node is known once kube-state-metrics has been scraped (within the first interval); the recent
      // backfilled history does not answer an instant query before the first scrape.
      let investigation = await labGapscope(labPrometheus(lab)).node('lab-uninitialized', rangeEnding());
      for (let attempt = 0; investigation.found !== true && attempt < 45; attempt++) {
        await new Promise((done) => setTimeout(done, 2_000));
        investigation = await labGapscope(labPrometheus(lab)).node('lab-uninitialized', rangeEnding());
      }
      expect(investigation.found).toBe(true);
      expect(investigation.findings.filter((finding) => finding.kind === 'target-missing')).toEqual([]);
      expect(investigation.sources.find((source) => source.endpoint === 'GET /api/v1/status/runtimeinfo')?.detail).toMatch(/^Prometheus started \d+ s ago, less than two scrape intervals \(60 s\): targets not discovered or scraped yet are not reported missing$/);
    } finally {
      await lab.stop();
    }
  });
});
