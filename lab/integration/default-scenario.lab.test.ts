import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type RunningLab } from '../src/lab';
import { labPrometheus } from '../test-support/clients';
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

const nodeTargets = (node: string, job: string) =>
  scraped.filter((target) => target.labels.job === job && (target.labels.node === node || target.labels.instance === node));
const now = () => Date.now() / 1000;

describe('planted faults, as Prometheus sees them', () => {
  it('lab-deverror: the real exporter (uid 65534) reports device_error 1 for /root/data and no size for it', async () => {
    const errors = await query(lab.prometheusUrl, 'node_filesystem_device_error == 1');
    expect(errors.map((series) => [series.metric.instance, series.metric.mountpoint])).toEqual([['lab-deverror', '/root/data']]);
    expect(await query(lab.prometheusUrl, 'node_filesystem_size_bytes{mountpoint="/root/data"}')).toEqual([]);
  });

  it('lab-rootsized: both PV mounts report exactly the root filesystem size and free bytes', async () => {
    const pvs = await query(lab.prometheusUrl, 'node_filesystem_size_bytes{instance="lab-rootsized",mountpoint=~"/var/lib/kubelet/pods/.+"}');
    const [root] = await query(lab.prometheusUrl, 'node_filesystem_size_bytes{instance="lab-rootsized",mountpoint="/"}');
    expect(pvs).toHaveLength(2);
    for (const pv of pvs) expect(pv.value[1]).toBe(root!.value[1]);
    const same = await query(lab.prometheusUrl, 'node_filesystem_free_bytes{instance="lab-rootsized",mountpoint=~"/var/lib/kubelet/pods/.+"} - on() group_left node_filesystem_free_bytes{instance="lab-rootsized",mountpoint="/"}');
    expect(same).toHaveLength(2);
    for (const difference of same) expect(Math.abs(Number(difference.value[1]))).toBeLessThan(64 * 2 ** 20);
  });

  it('healthy PV mounts report their claim capacity, not the root disk', async () => {
    const mounts = await query(lab.prometheusUrl, 'node_filesystem_size_bytes{mountpoint=~"/var/lib/kubelet/pods/.+",instance!="lab-rootsized"}');
    const sizes = Object.fromEntries(mounts.map((series) => [series.metric.instance, Number(series.value[1])]));
    expect(sizes['lab-healthy']).toBe(10 * 2 ** 30);
    expect(sizes['lab-unauthorized']).toBe(50 * 2 ** 30);
  });

  it('lab-unauthorized: both kubelet targets are down with a 401 lastError', () => {
    const kubelet = nodeTargets('lab-unauthorized', 'kubelet');
    expect(kubelet).toHaveLength(2);
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
    expect(down.sort()).toEqual(['kubelet 127.21.1.15:10250', 'kubelet 127.21.1.15:10250', 'node-exporter lab-wrongport']);
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

  it('lab-cadvisor: container cgroups lost image and name; no other node has such series', async () => {
    const empty = await query(lab.prometheusUrl, 'count by (node) (container_cpu_usage_seconds_total{image="",id=~"/kubepods/.+/pod[^/]+/[0-9a-f]{64}"})');
    expect(empty.map((series) => [series.metric.node, series.value[1]])).toEqual([['lab-cadvisor', '5']]);
  });
});

describe('backfilled history', () => {
  it('is queryable six hours back', async () => {
    const [count] = await query(lab.prometheusUrl, 'count(up)', now() - 6 * HOUR);
    expect(Number(count!.value[1])).toBe(23);
  });

  it('shows lab-rootsized on Docker four hours ago and on containerd now', async () => {
    const runtime = async (at: number) => (await query(lab.prometheusUrl, 'kube_node_info{node="lab-rootsized"}', at))[0]!.metric.container_runtime_version;
    expect(await runtime(now() - 4 * HOUR)).toBe('docker://24.0.7');
    expect(await runtime(now())).toBe('containerd://1.7.27');
  });

  it('has the PV mount at its real size before the switch and root-sized after', async () => {
    const size = async (at: number) => Number((await query(lab.prometheusUrl, 'max(node_filesystem_size_bytes{instance="lab-rootsized",mountpoint=~"/var/lib/kubelet/.+"})', at))[0]!.value[1]);
    expect(await size(now() - 4 * HOUR)).toBe(200 * 2 ** 30);
    expect(await size(now() - HOUR)).toBeGreaterThan(200 * 2 ** 30);
  });

  it('shows the kubelet restart on lab-cadvisor 90 minutes ago and containerd starting two minutes later', async () => {
    const [kubelet] = await query(lab.prometheusUrl, 'process_start_time_seconds{job="kubelet",node="lab-cadvisor"}');
    const [runtime] = await query(lab.prometheusUrl, 'container_start_time_seconds{node="lab-cadvisor",id="/system.slice/containerd.service"}');
    const kubeletStart = Number(kubelet!.value[1]);
    expect(Math.abs(kubeletStart - (lab.startedAt / 1000 - 90 * 60))).toBeLessThan(1);
    // cAdvisor truncates start times to whole seconds, as the real one does, while the kubelet's keeps
    // hundredths (rounded): at a fraction of .995 or more the difference is exactly 1.00, which `< 1` refused.
    expect(Math.abs(Number(runtime!.value[1]) - kubeletStart - 120)).toBeLessThanOrEqual(1.005);
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
