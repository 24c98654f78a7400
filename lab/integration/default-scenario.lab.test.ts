import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type RunningLab } from '../src/lab';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import { relabel } from '@/lib/prometheus/relabel';
import { labKubelet, labPrometheus } from '../test-support/clients';
import { query, waitForScrapes, type Target } from '../test-support/prometheus-api';

/** The default scenario against real Prometheus and real node_exporters, kube-prometheus profile. */
let lab: RunningLab;
let scraped: Target[];
const HOUR = 3600;

beforeAll(async () => {
  lab = await startLab({ octet: 21, profile: 'kube-prometheus' });
  scraped = await waitForScrapes(lab.prometheusUrl, 5_000);
});

afterAll(async () => {
  await lab?.stop();
});

/** A node's targets of a job: kubelet targets by their `node` label, node-exporter pods by their address. */
const nodeTargets = (node: string, job: string) => {
  const ip = lab.nodes.find((candidate) => candidate.name === node)!.ip;
  return scraped.filter((target) => target.labels.job === job && (target.labels.node === node || new URL(target.scrapeUrl).hostname === ip));
};
/** node-exporter's instance in this profile: the pod's address (host network: the node's IP), port 9100. */
const exporter = (node: string) => `${lab.nodes.find((candidate) => candidate.name === node)!.ip}:9100`;
const nodeOfExporter = (instance: string) => lab.nodes.find((candidate) => instance.startsWith(`${candidate.ip}:`))?.name;
const now = () => Date.now() / 1000;
const kubeletNode = (name: string) => ({ name, kubeletAddress: new URL(lab.nodes.find((candidate) => candidate.name === name)!.kubeletUrl).host });
/** Container cgroup ids (cgroupfs driver), as a PromQL regex. */
const CONTAINER_IDS = '/kubepods/.+/pod[^/]+/[0-9a-f]{64}';
/** The cgroups of a /metrics/cadvisor body, by container_start_time_seconds: their labels and start. */
async function containerSeries(body: AsyncIterable<Buffer>) {
  const series: (Record<string, string> & { start: string })[] = [];
  const scanner = new ExpositionScanner({ families: ['container_start_time_seconds'], onSample: (sample) => void series.push({ ...sample.labels, start: String(sample.value) }) });
  for await (const chunk of body) scanner.push(chunk);
  scanner.end();
  return series;
}

describe('planted faults, as Prometheus sees them', () => {
  it('lab-deverror: the real exporter (uid 65534) reports device_error 1 for /root/data and no size for it', async () => {
    const errors = await query(lab.prometheusUrl, 'node_filesystem_device_error == 1');
    expect(errors.map((series) => [nodeOfExporter(series.metric.instance!), series.metric.mountpoint])).toEqual([['lab-deverror', '/root/data']]);
    expect(await query(lab.prometheusUrl, 'node_filesystem_size_bytes{mountpoint="/root/data"}')).toEqual([]);
  });

  it("node_exporter runs with the chart's extraArgs: no PV mount is stored, so lab-rootsized's show only in the kubelet's volume stats", async () => {
    expect(await query(lab.prometheusUrl, 'node_filesystem_size_bytes{mountpoint=~"/var/lib/kubelet/.+"}')).toEqual([]);
    const [root] = await query(lab.prometheusUrl, `node_filesystem_size_bytes{instance="${exporter('lab-rootsized')}",mountpoint="/"}`);
    const claims = await query(lab.prometheusUrl, 'kubelet_volume_stats_capacity_bytes{node="lab-rootsized"}');
    expect(claims).toHaveLength(2);
    for (const claim of claims) expect(claim.value[1]).toBe(root!.value[1]);
    // The real exporter was given the chart's flags (the premise is the flag, not only the lab's history).
    const exporterMetrics = await (await fetch(`http://${exporter('lab-healthy')}/metrics`)).text();
    expect(exporterMetrics).toMatch(/node_filesystem_size_bytes\{device="[^"]+",fstype="ext4",mountpoint="\/"\}/);
    expect(exporterMetrics).not.toContain('mountpoint="/var/lib/kubelet/');
  });

  it('lab-unauthorized: all three kubelet targets (metrics, cAdvisor, probes) are down with a 401 lastError', () => {
    const kubelet = nodeTargets('lab-unauthorized', 'kubelet');
    expect(kubelet.map((target) => target.labels.metrics_path).sort()).toEqual(['/metrics', '/metrics/cadvisor', '/metrics/probes']);
    for (const target of kubelet) {
      expect(target.health).toBe('down');
      expect(target.lastError).toBe('server returned HTTP status 401 Unauthorized');
    }
  });

  it('lab-wrongport: node-exporter scrapes :10250 and gets the 400 Go gives plain HTTP on a TLS port', () => {
    const [exporter] = nodeTargets('lab-wrongport', 'node-exporter');
    expect(exporter!.scrapeUrl).toMatch(/:10250\/metrics$/);
    expect(exporter!.health).toBe('down');
    expect(exporter!.lastError).toBe('server returned HTTP status 400 Bad Request');
  });

  it('every other target is up', () => {
    const down = scraped.filter((target) => target.health !== 'up').map((target) => `${target.labels.job} ${target.labels.instance}`);
    expect(down.sort()).toEqual(['kubelet 127.21.1.15:10250', 'kubelet 127.21.1.15:10250', 'kubelet 127.21.1.15:10250', 'node-exporter 127.21.1.16:10250']);
  });

  it('volume stats exist only for claims mounted by a running pod with a metrics-capable plugin, on a scraped kubelet', async () => {
    const stats = await query(lab.prometheusUrl, 'kubelet_volume_stats_capacity_bytes');
    expect(stats.map((series) => `${series.metric.node} ${series.metric.namespace}/${series.metric.persistentvolumeclaim}`).sort()).toEqual([
      'lab-healthy shop/cart-cache',
      'lab-rootsized analytics/warehouse',
      'lab-rootsized analytics/warehouse-wal',
      'lab-volumes shop/search-index',
    ]);
    // kube-state-metrics knows every claim gapscope must explain.
    expect((await query(lab.prometheusUrl, 'kube_persistentvolumeclaim_info')).length).toBe(8);
  });

  it("lab-cadvisor's premise: its unlabelled container series are present at the kubelet and absent in Prometheus", async () => {
    // At the source: five container cgroups (three containers, two sandboxes) without any pod label.
    const atKubelet = await labKubelet(lab).read(kubeletNode('lab-cadvisor'), '/metrics/cadvisor', 'premise', containerSeries);
    expect(atKubelet.filter((series) => new RegExp(`^${CONTAINER_IDS}$`).test(series.id ?? '') && !series.pod && !series.image)).toHaveLength(5);
    // Stored: none, the chart's last cAdvisor rule dropped them; the labelled ones of every other node are there.
    const stored = await query(lab.prometheusUrl, `count by (node) (container_cpu_usage_seconds_total{id=~"${CONTAINER_IDS}"})`);
    expect(Object.fromEntries(stored.map((series) => [series.metric.node, series.value[1]]))['lab-cadvisor']).toBeUndefined();
    expect(await query(lab.prometheusUrl, `container_cpu_usage_seconds_total{node="lab-cadvisor",id=~"${CONTAINER_IDS}"}`)).toEqual([]);
    expect(stored.length).toBeGreaterThan(3);
  });

  it("gapscope's relabel evaluator agrees with the live Prometheus on every series the kubelet serves lab-healthy", async () => {
    const jobs = await labPrometheus(lab).scrapeConfig();
    const job = jobs.get('serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1')!;
    const target = nodeTargets('lab-healthy', 'kubelet').find((candidate) => candidate.labels.metrics_path === '/metrics/cadvisor')!;
    const served = await labKubelet(lab).read(kubeletNode('lab-healthy'), '/metrics/cadvisor', 'agreement', async (body) => {
      const all: Record<string, string>[] = [];
      const scanner = new ExpositionScanner({ onSample: (sample) => void all.push({ ...sample.labels, __name__: sample.name }) });
      for await (const chunk of body) scanner.push(chunk);
      scanner.end();
      return all;
    });
    const key = (labels: Record<string, string>) => `${labels.__name__} ${labels.id ?? ''} ${labels.interface ?? ''} ${labels.cpu ?? ''}`;
    const kept = served.filter((labels) => relabel({ ...target.labels, ...labels }, job.metricRelabel).outcome === 'kept').map(key).sort();
    const stored = (await query(lab.prometheusUrl, `{job="kubelet",metrics_path="/metrics/cadvisor",node="lab-healthy",__name__!~"up|scrape_.+"}`)).map((series) => key(series.metric)).sort();
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(served.length);
    expect(stored).toEqual(kept);
  });
});

describe('backfilled history', () => {
  it('is queryable six hours back', async () => {
    const [count] = await query(lab.prometheusUrl, 'count(up)', now() - 6 * HOUR);
    // Seven nodes with four targets each (kubelet, cAdvisor, probes, node-exporter), kube-state-metrics, Prometheus.
    expect(Number(count!.value[1])).toBe(30);
  });

  it('shows lab-rootsized on Docker four hours ago and on containerd now', async () => {
    const runtime = async (at: number) => (await query(lab.prometheusUrl, 'kube_node_info{node="lab-rootsized"}', at))[0]!.metric.container_runtime_version;
    expect(await runtime(now() - 4 * HOUR)).toBe('docker://24.0.7');
    expect(await runtime(now())).toBe('containerd://1.7.27');
  });

  it("has the claim's volume stats at its real size before the switch and root-sized after", async () => {
    const size = async (at: number) => Number((await query(lab.prometheusUrl, 'max(kubelet_volume_stats_capacity_bytes{node="lab-rootsized",persistentvolumeclaim="warehouse"})', at))[0]!.value[1]);
    expect(await size(now() - 4 * HOUR)).toBe(200 * 2 ** 30);
    expect(await size(now() - HOUR)).toBeGreaterThan(200 * 2 ** 30);
  });

  it('shows the kubelet restart on lab-cadvisor 90 minutes ago; containerd starting two minutes later is only at the kubelet', async () => {
    const [kubelet] = await query(lab.prometheusUrl, 'process_start_time_seconds{job="kubelet",node="lab-cadvisor"}');
    // The chart drops every cgroup series without a pod, system.slice units included: not stored, ever.
    expect(await query(lab.prometheusUrl, 'container_start_time_seconds{id="/system.slice/containerd.service"}', now() - HOUR)).toEqual([]);
    const atKubelet = await labKubelet(lab).read(kubeletNode('lab-cadvisor'), '/metrics/cadvisor', 'runtime-start', containerSeries);
    const runtime = atKubelet.find((series) => series.id === '/system.slice/containerd.service')!;
    const kubeletStart = Number(kubelet!.value[1]);
    expect(Math.abs(kubeletStart - (lab.startedAt / 1000 - 90 * 60))).toBeLessThan(1);
    // cAdvisor truncates start times to whole seconds, as the real one does, while the kubelet's keeps
    // hundredths (rounded): at a fraction of .995 or more the difference is exactly 1.00, which `< 1` refused.
    expect(Math.abs(Number(runtime.start) - kubeletStart - 120)).toBeLessThanOrEqual(1.005);
    const [before] = await query(lab.prometheusUrl, 'changes(process_start_time_seconds{job="kubelet",node="lab-cadvisor"}[3h])');
    expect(Number(before!.value[1])).toBe(1);
  });

  it('shows orders-db stats on lab-volumes two hours ago and nowhere now', async () => {
    const where = async (at: number) => (await query(lab.prometheusUrl, 'kubelet_volume_stats_used_bytes{persistentvolumeclaim="orders-db"}', at)).map((series) => series.metric.node);
    expect(await where(now() - 2 * HOUR)).toEqual(['lab-volumes']);
    expect(await where(now())).toEqual([]);
  });

  it('joins live and backfilled series under the same label sets', async () => {
    const labelSets = async (at: number) =>
      (await query(lab.prometheusUrl, 'up{job!="prometheus-k8s"}', at)).map((series) => JSON.stringify(series.metric)).sort();
    expect(await labelSets(now() - 30 * 60)).toEqual(await labelSets(now()));
  });
});

describe("gapscope's Prometheus adapter against the real Prometheus", () => {
  it('reads a range over the backfilled history, with the runtime switch of lab-rootsized in it', async () => {
    const endMs = Date.now();
    const { series, stepMs } = await labPrometheus(lab).rangeQuery('kube_node_info{node="lab-rootsized"}', { startMs: endMs - 5 * HOUR * 1000, endMs }, 300_000);
    expect(stepMs).toBe(300_000);
    const runtimes = series.map((one) => one.labels.container_runtime_version).sort();
    expect(runtimes).toEqual(['containerd://1.7.27', 'docker://24.0.7']);
    for (const one of series) expect(one.points.every(([time, value], index) => value === 1 && (index === 0 || time > one.points[index - 1]![0]))).toBe(true);
  });

  it('widens a step that would exceed 11,000 points instead of being refused', async () => {
    const endMs = Date.now();
    const { stepMs, series } = await labPrometheus(lab).rangeQuery('up{job="node-exporter"}', { startMs: endMs - 7 * HOUR * 1000, endMs }, 1_000);
    expect(stepMs).toBe(Math.ceil((7 * HOUR) / 11_000) * 1000);
    expect(series.length).toBeGreaterThan(0);
  });


});

describe('the lab process tree', () => {
  it('listens on loopback addresses only', () => {
    const listening = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A')
      .map((fields) => fields[1]!);
    const labPorts = new Set([9090, 9100, 10250, 6443, 8080]);
    const ours = listening.filter((address) => labPorts.has(parseInt(address.split(':')[1]!, 16)));
    expect(ours.length).toBeGreaterThan(14);
    // /proc/net/tcp writes IPv4 addresses as little-endian hex: 127.x.y.z ends in 7F.
    for (const address of ours) expect(address.split(':')[0]!.endsWith('7F')).toBe(true);
  });

  it('stops every process, listener, mount and file it started', async () => {
    const pids = lab.pids();
    expect(pids.length).toBe(8);
    await lab.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(lab.runDir)).toBe(false);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(lab.runDir);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(9090, '127.21.0.1');
      socket.once('connect', () => resolve(false));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
