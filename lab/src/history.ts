import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { promisify } from 'node:util';
import type { LabAddresses } from './addresses';
import { cadvisorFamilies } from './cadvisor';
import { agoFrom, type LabClock } from './clock';
import { formatGoFloat, formatLabels, type Family, type Labels } from './exposition';
import { KERNEL_VERSION, OS_IMAGE, ksmFamilies } from './kube-state-metrics';
import { kubeletFamilies } from './kubelet-payloads';
import { collectorSuccess, exporterMounts, exporterOverBodyLimit, isMountListed, type RootDisk } from './node-exporters';
import { nodeStateAt, type NodeState } from './node-state';
import { faultOf, type LabNode, type Scenario } from './scenario';
import { compileRules, relabel, type RelabelRule } from '@/lib/prometheus/relabel';
import { scrapeJobs, scrapeTargets, storedLabels, type Profile, type ScrapeLimitSpec, type ScrapeTarget } from './targets';

/**
 * Backfills the scenario's story with `promtool tsdb create-blocks-from openmetrics` before Prometheus
 * starts: every step of the window is rendered through the same functions the live simulators use and
 * labelled the way the profile's scrape jobs label it, so history and live series join into one line.
 */

/** The sample names the history keeps: what the timelines and diagnosis read, not every family. */
const KEPT_SAMPLES = new Set([
  'process_start_time_seconds',
  'kubernetes_build_info',
  'kubelet_volume_stats_capacity_bytes',
  'kubelet_volume_stats_used_bytes',
  'kubelet_volume_stats_available_bytes',
  'kubelet_volume_metric_collection_duration_seconds_count',
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'container_start_time_seconds',
  'container_scrape_error',
  'container_network_receive_bytes_total',
  'node_filesystem_size_bytes',
  'node_filesystem_avail_bytes',
  'node_filesystem_free_bytes',
  'node_filesystem_device_error',
  'node_scrape_collector_success',
  'node_textfile_scrape_error',
  'kube_node_info',
  'kube_pod_info',
  'kube_pod_created',
  'kube_pod_status_phase',
  'kube_pod_container_info',
  'kube_pod_spec_volumes_persistentvolumeclaims_info',
  'kube_persistentvolumeclaim_info',
  'kube_persistentvolume_info',
]);

interface Series {
  name: string;
  labels: string;
  values: Float64Array;
}

/** A series the job's metric_relabel_configs drop: remembered so that it is judged once, and never stored. */
const DROPPED: Series = { name: '', labels: '', values: new Float64Array(0) };

/**
 * The series of the history, found by target and raw labels: a series keeps its labels from step to step,
 * so the stored label text (target labels merged, metric relabelling applied, escaped, sorted) is computed
 * once per series, not once per sample. At 1000 nodes that is most of the work.
 */
class SeriesBook {
  private readonly byTarget = new Map<string, Map<string, Series>>();
  /** By stored name and labels: a target whose address changes (wrong-port) still feeds one series. */
  private readonly byStoredLabels = new Map<string, Series>();

  /** `metricRelabel`: each job's metric_relabel_configs, as the live Prometheus applies them. */
  constructor(
    private readonly steps: number,
    private readonly metricRelabel: ReadonlyMap<string, RelabelRule[]> = new Map(),
  ) {}

  add(target: ScrapeTarget, honorLabels: boolean, name: string, labels: Labels, step: number, value: number): void {
    // Through the API server proxy every kubelet target has the same address: the node tells them apart.
    const targetKey = `${target.jobName}\u0000${target.address}\u0000${target.node ?? ''}`;
    let series = this.byTarget.get(targetKey);
    if (!series) {
      series = new Map();
      this.byTarget.set(targetKey, series);
    }
    let raw = name;
    for (const [label, text] of labels) raw += `\u0000${label}\u0000${text}`;
    let entry = series.get(raw);
    if (!entry) {
      const stored = storedLabels(labels, target.labels, honorLabels);
      const rules = this.metricRelabel.get(target.jobName) ?? [];
      if (rules.length > 0 && relabel({ __name__: name, ...Object.fromEntries(stored) }, rules).outcome !== 'kept') {
        series.set(raw, DROPPED);
        return;
      }
      const text = formatLabels(stored);
      entry = this.byStoredLabels.get(name + text);
      if (!entry) {
        entry = { name, labels: text, values: new Float64Array(this.steps).fill(Number.NaN) };
        this.byStoredLabels.set(name + text, entry);
      }
      series.set(raw, entry);
    }
    if (entry !== DROPPED) entry.values[step] = value;
  }

  sorted(): Series[] {
    return [...this.byStoredLabels.values()].sort((a, b) => (a.name === b.name ? (a.labels < b.labels ? -1 : 1) : a.name < b.name ? -1 : 1));
  }

  get size(): number {
    return this.byStoredLabels.size;
  }
}

export interface HistoryInput {
  scenario: Scenario;
  nodes: readonly LabNode[];
  clock: LabClock;
  profile: Profile;
  addresses: LabAddresses;
  root: RootDisk;
  /** The view whose mounts each node's exporter lists (a clone's template exporter lists the clone view). */
  exporterView: (node: LabNode) => LabNode;
  stepMs: number;
  spanMs: number;
}

/** When the node's exporter (re)started: a device-error node's exporter was restarted as uid 65534 then. */
function exporterStartedAt(node: LabNode, clock: LabClock, t: number): number {
  const since = faultOf(node.spec, 'mount-device-error')?.since;
  const restart = since === undefined ? undefined : agoFrom(clock, since);
  return restart !== undefined && t >= restart ? restart : agoFrom(clock, 30 * 86_400_000);
}

/**
 * Would the job's limits fail this scrape, as the live Prometheus fails it? Samples are counted before metric
 * relabelling (Prometheus counts after it): the lab's limits sit far from every node's count, so both agree.
 */
function overLimit(families: readonly Family[], limits: ScrapeLimitSpec | undefined): boolean {
  if (!limits?.sampleLimit && !limits?.labelValueLengthLimit) return false;
  let samples = 0;
  for (const family of families) {
    for (const sample of family.samples) {
      if (limits.labelValueLengthLimit && sample.labels.some(([, value]) => value.length > limits.labelValueLengthLimit!)) return true;
      samples++;
    }
  }
  return limits.sampleLimit !== undefined && samples > limits.sampleLimit;
}

function addFamilies(book: SeriesBook, step: number, families: readonly Family[], target: ScrapeTarget, honorLabels: boolean) {
  for (const family of families) {
    for (const sample of family.samples) {
      if (KEPT_SAMPLES.has(sample.name)) book.add(target, honorLabels, sample.name, sample.labels, step, sample.value);
    }
  }
}

function exporterFamilies(node: LabNode, view: LabNode, state: NodeState, input: HistoryInput, t: number): Family[] {
  const samples: Family['samples'] = [];
  for (const mount of exporterMounts(view, state, input.root)) {
    if (!isMountListed(input.profile, node, mount.mountpoint)) continue;
    const labels: Labels = [['device', mount.device], ['fstype', mount.fstype], ['mountpoint', mount.mountpoint]];
    samples.push({ name: 'node_filesystem_device_error', labels, value: mount.sizeBytes === null ? 1 : 0 });
    if (mount.sizeBytes === null || mount.availBytes === null || mount.freeBytes === null) continue;
    // What statfs answers live: a root-sized PV mount is a directory on the root disk, with its free bytes.
    const free = mount.freeBytes;
    samples.push({ name: 'node_filesystem_size_bytes', labels, value: mount.sizeBytes });
    samples.push({ name: 'node_filesystem_avail_bytes', labels, value: mount.availBytes });
    samples.push({ name: 'node_filesystem_free_bytes', labels, value: free });
  }
  samples.push({ name: 'process_start_time_seconds', labels: [], value: Math.round(exporterStartedAt(node, input.clock, t) / 10) / 100 });
  for (const [collector, success] of Object.entries(collectorSuccess(state))) samples.push({ name: 'node_scrape_collector_success', labels: [['collector', collector]], value: success });
  samples.push({ name: 'node_textfile_scrape_error', labels: [], value: state.textfileMalformed ? 1 : 0 });
  return [{ name: 'node_filesystem', type: 'gauge', help: '', samples }];
}

export function buildHistory(input: HistoryInput): { book: SeriesBook; stepTimes: number[] } {
  const { clock, nodes, profile, addresses } = input;
  const stepTimes: number[] = [];
  for (let t = clock.startedAt - input.spanMs; t < clock.startedAt; t += input.stepMs) stepTimes.push(t);
  const jobs = scrapeJobs(profile, undefined, input.scenario.scrapeLimits);
  const jobLimits = new Map(jobs.map((job) => [job.jobName, job.limits]));
  const book = new SeriesBook(stepTimes.length, new Map(jobs.map((job) => [job.jobName, compileRules(job.metricRelabelConfigs)])));
  const honor = new Map(jobs.map((job) => [job.jobName, job.honorLabels]));
  const machineId = (node: LabNode) => node.name.padEnd(32, '0').slice(0, 32);

  stepTimes.forEach((t, step) => {
    const states = new Map(nodes.map((node) => [node.name, nodeStateAt(nodes, node, clock, t)]));
    const targets = scrapeTargets(
      profile,
      addresses,
      nodes.map((node) => ({ node, ip: addresses.node(node.index), nodeExporterOnKubeletPort: states.get(node.name)!.nodeExporterOnKubeletPort, scrapedTwice: states.get(node.name)!.scrapedTwice, cadvisorOtherStack: states.get(node.name)!.cadvisorOtherStack })),
    );
    const ksm = ksmFamilies(nodes.map((node) => ({ node, state: states.get(node.name)!, internalIp: addresses.node(node.index) })), input.scenario.claims, agoFrom(clock, 30 * 86_400_000), input.scenario.kubeStateMetrics.metricLabelsAllowlist);
    for (const target of targets) {
      const node = nodes.find((candidate) => candidate.name === target.node);
      const state = node ? states.get(node.name) : undefined;
      const up =
        target.role === 'kubelet' || target.role === 'cadvisor' || target.role === 'probes'
          ? state?.kubeletAuth === 'ok'
          : target.role === 'node-exporter'
            ? !state?.nodeExporterOnKubeletPort && !(node && exporterOverBodyLimit(node, jobLimits.get(target.jobName)?.bodySizeLimit))
            : true;
      book.add(target, false, 'up', [], step, up ? 1 : 0);
      if (!up) continue;
      const honorLabels = honor.get(target.jobName) ?? false;
      if (target.role === 'kube-state-metrics') addFamilies(book, step, ksm, target, honorLabels);
      if (!node || !state) continue;
      const limits = jobLimits.get(target.jobName);
      if (target.role === 'kubelet') {
        const families = kubeletFamilies(node, state, t, input.root);
        if (overLimit(families, limits)) book.add(target, false, 'up', [], step, 0);
        else addFamilies(book, step, families, target, honorLabels);
      }
      if (target.role === 'cadvisor') {
        const families = cadvisorFamilies({ node, state, now: t, kernelVersion: KERNEL_VERSION, osImage: OS_IMAGE, machineId: machineId(node) });
        if (overLimit(families, limits)) book.add(target, false, 'up', [], step, 0);
        else addFamilies(book, step, families, target, honorLabels);
      }
      if (target.role === 'node-exporter') {
        const families = exporterFamilies(node, input.exporterView(node), state, input, t);
        addFamilies(book, step, families, target, honorLabels);
      }
    }
  });
  return { book, stepTimes };
}

/**
 * The book as Prometheus' text format with millisecond timestamps and `extra` labels on every series, as
 * VictoriaMetrics' import API takes it (POST /api/v1/import/prometheus), for the central topology.
 */
export async function writeImportText(file: string, book: SeriesBook, stepTimes: readonly number[], extra: string): Promise<number> {
  const out = createWriteStream(file);
  let samples = 0;
  let buffer = '';
  for (const series of book.sorted()) {
    const labels = series.labels === '' ? `{${extra}}` : `{${extra},${series.labels.slice(1)}`;
    series.values.forEach((value, step) => {
      if (Number.isNaN(value)) return;
      buffer += `${series.name}${labels} ${formatGoFloat(value)} ${stepTimes[step]!}\n`;
      samples++;
    });
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return samples;
}

/** Writes the book as OpenMetrics: timestamps in seconds, each name's samples together, a final # EOF. */
export async function writeOpenMetrics(file: string, book: SeriesBook, stepTimes: readonly number[]): Promise<number> {
  const out = createWriteStream(file);
  let samples = 0;
  let buffer = '';
  const flush = async () => {
    if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    buffer = '';
  };
  for (const series of book.sorted()) {
    series.values.forEach((value, step) => {
      if (Number.isNaN(value)) return;
      buffer += `${series.name}${series.labels} ${formatGoFloat(value)} ${(stepTimes[step]! / 1000).toFixed(3)}\n`;
      samples++;
    });
    if (buffer.length > 1 << 20) await flush();
  }
  buffer += '# EOF\n';
  await flush();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return samples;
}

const execFileAsync = promisify(execFile);

export async function backfill(openMetricsFile: string, dataDir: string): Promise<void> {
  await execFileAsync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, dataDir], { maxBuffer: 16 << 20 });
}
