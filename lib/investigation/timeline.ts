import 'server-only';
import { CONTAINER_CGROUP_REGEX } from '@/lib/diagnosis/cadvisor';
import { sourceFailure, type SourceStatus } from '@/lib/errors';
import type { PrometheusClient, RangeSeries } from '@/lib/prometheus/client';
import { quoteLabelValue, regexLiteral } from '@/lib/prometheus/promql';
import type { ResolvedRange } from '@/lib/time-range';
import { buildTimeline } from '@/lib/timeline/build';
import type { Component, Point, Timeline, TimelineInput } from '@/lib/timeline/model';
import type { FleetNode } from '@/lib/topology/fleet';
import { indexNodes, nodeOfTarget, roleOfTarget, type JobRoles } from '@/lib/topology/targets';
import { loadNodeInventory, nodeHostRegex } from './fleet';

/**
 * A node's timeline over a range: the inventory (two requests, as for the findings), then three batched
 * range queries (target health, the node's own series, kube-state-metrics), whatever the range. Each batch
 * degrades alone: without target health there is no timeline; without the others, their lanes are empty
 * and the sources say why.
 */

export interface NodeTimeline {
  node: string;
  /** false: not in the inventory; null: the inventory itself could not be read. */
  found: boolean | null;
  generatedAt: string;
  range: ResolvedRange;
  timeline: Timeline | null;
  sources: SourceStatus[];
}

/** About 360 steps per range, on a multiple of 15 s: enough to place a restart within a step, cheap to ask. */
export function stepFor(range: { startMs: number; endMs: number }): number {
  return Math.max(15_000, Math.ceil((range.endMs - range.startMs) / 360 / 15_000) * 15_000);
}

/** Prometheus scraping itself: job "prometheus", "prometheus-k8s", "serviceMonitor/monitoring/prometheus-k8s/0". */
const PROMETHEUS_JOBS = 'job=~".*prometheus.*"';
const RUNTIME_UNITS = 'id=~"/system.slice/(containerd|docker|crio|cri-docker)[.]service"';

function jobsOf(node: FleetNode, role: keyof FleetNode['roles']): string {
  const jobs = [...new Set(node.roles[role].targets.map((target) => target.job))];
  return quoteLabelValue(jobs.map(regexLiteral).join('|') || 'none');
}

export function timelineQueries(node: FleetNode, range: { startMs: number; endMs: number }) {
  const host = nodeHostRegex(node);
  const name = quoteLabelValue(node.name);
  const scope = (role: keyof FleetNode['roles']) => `job=~${jobsOf(node, role)},instance=~${host}`;
  const [cadvisor, exporter, kubelet] = [scope('cadvisor'), scope('node-exporter'), scope('kubelet')];
  // Container cgroups only: pod-level cgroups never carry image or name, by design.
  const containers = `${cadvisor},id=~${quoteLabelValue(CONTAINER_CGROUP_REGEX)}`;
  const rangeSeconds = Math.ceil((range.endMs - range.startMs) / 1000);
  return {
    health: {
      up: `up{instance=~${host}} or up{node=${name}}`,
      // Prometheus' own target, by the build info only it exposes; the job matcher keeps the selection small.
      prometheusUp: `up{${PROMETHEUS_JOBS}} and on (job, instance) prometheus_build_info`,
      prometheusStart: `process_start_time_seconds{${PROMETHEUS_JOBS}} and on (job, instance) prometheus_build_info`,
    },
    node: {
      emptyLabels: `count(container_cpu_usage_seconds_total{${containers},image=""} or container_cpu_usage_seconds_total{${containers},name=""})`,
      rootSized: `count(node_filesystem_size_bytes{${exporter},mountpoint=~"/var/lib/kubelet/pods/.+"} == on (job, instance) group_left () node_filesystem_size_bytes{${exporter},mountpoint="/"})`,
      deviceErrors: `count(node_filesystem_device_error{${exporter}} == 1)`,
      claimStats: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${kubelet}})`,
      kubeletStart: `process_start_time_seconds{${kubelet}}`,
      exporterStart: `process_start_time_seconds{${exporter}}`,
      runtimeStart: `container_start_time_seconds{${cadvisor},${RUNTIME_UNITS}}`,
    },
    inventory: {
      nodeInfo: `kube_node_info{node=${name}}`,
      claimsOnNode: `max by (namespace, persistentvolumeclaim, pod) (kube_pod_spec_volumes_persistentvolumeclaims_info and on (namespace, pod) kube_pod_info{node=${name}})`,
      // Every pod that was on the node at some point of the range, on whichever node it was at each step.
      pods: `max by (namespace, pod, node) (kube_pod_info and on (namespace, pod) last_over_time(kube_pod_info{node=${name}}[${rangeSeconds}s] @ ${(range.endMs / 1000).toFixed(3)}))`,
    },
  };
}

const points = (series: RangeSeries) => series.points as readonly Point[];
const firstPoints = (series: RangeSeries[]) => (series[0] ? points(series[0]) : []);

async function rangeBatch<K extends string>(prometheus: PrometheusClient, what: string, parts: Record<K, string>, range: ResolvedRange, stepMs: number, sources: SourceStatus[]): Promise<Record<K, RangeSeries[]> | null> {
  const endpoint = `POST /api/v1/query_range (${what}), one request for: ${Object.values<string>(parts).join(' ; ')}`;
  try {
    const result = await prometheus.rangeBatch(parts, range, stepMs);
    sources.push({ source: 'prometheus', endpoint, ok: true });
    return result.parts;
  } catch (error) {
    sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
    return null;
  }
}

export interface TimelineOptions {
  now?: number;
  jobRoles?: JobRoles;
  /** See FleetOptions.maxAgeMs. */
  inventoryMaxAgeMs?: number;
}

export async function investigateTimeline(prometheus: PrometheusClient, name: string, range: ResolvedRange, { now = Date.now(), jobRoles, inventoryMaxAgeMs }: TimelineOptions = {}): Promise<NodeTimeline> {
  const generatedAt = new Date(now).toISOString();
  const fleet = await loadNodeInventory(prometheus, name, { jobRoles, maxAgeMs: inventoryMaxAgeMs });
  const sources = [...fleet.sources];
  const base = { node: name, generatedAt, range, timeline: null, sources };
  if (fleet.nodes === null) return { ...base, found: null };
  const node = fleet.nodes.find((candidate) => candidate.name === name);
  if (!node) return { ...base, found: false };

  const stepMs = stepFor(range);
  const queries = timelineQueries(node, range);
  const [health, own, inventory] = await Promise.all([
    rangeBatch(prometheus, 'target health', queries.health, range, stepMs, sources),
    rangeBatch(prometheus, "the node's series", queries.node, range, stepMs, sources),
    rangeBatch(prometheus, 'kube-state-metrics', queries.inventory, range, stepMs, sources),
  ]);
  if (!health) return { ...base, found: true };

  const index = indexNodes([{ name: node.name, internalIp: node.internalIp }]);
  const targets: TimelineInput['targets'] = [];
  for (const series of health.up) {
    const role = roleOfTarget({ labels: series.labels }, jobRoles);
    if ((role === 'kubelet' || role === 'cadvisor' || role === 'node-exporter') && nodeOfTarget({ labels: series.labels }, index) === node.name) {
      targets.push({ role, job: series.labels.job ?? '', instance: series.labels.instance ?? '', points: points(series) });
    }
  }
  const runtimeOf = (labels: Record<string, string>) => /\/system\.slice\/([a-z-]+)\.service/.exec(labels.id ?? '')?.[1] ?? 'runtime';
  const starts: { component: Component; name: string; points: readonly Point[] }[] = [
    ...(own?.kubeletStart ?? []).map((series) => ({ component: 'kubelet' as const, name: 'kubelet', points: points(series) })),
    ...(own?.exporterStart ?? []).map((series) => ({ component: 'node-exporter' as const, name: 'node-exporter', points: points(series) })),
    ...(own?.runtimeStart ?? []).map((series) => ({ component: 'runtime' as const, name: runtimeOf(series.labels), points: points(series) })),
    ...health.prometheusStart.map((series) => ({ component: 'prometheus' as const, name: 'Prometheus', points: points(series) })),
  ];
  const claim = (labels: Record<string, string>) => `${labels.namespace}/${labels.persistentvolumeclaim}`;
  const timeline = buildTimeline({
    node: node.name,
    startMs: range.startMs,
    endMs: range.endMs,
    stepMs,
    targets,
    emptyLabelContainers: firstPoints(own?.emptyLabels ?? []),
    rootSizedMounts: firstPoints(own?.rootSized ?? []),
    deviceErrors: firstPoints(own?.deviceErrors ?? []),
    claimStats: (own?.claimStats ?? []).map((series) => ({ claim: claim(series.labels), points: points(series) })),
    claimsOnNode: (inventory?.claimsOnNode ?? []).map((series) => ({ claim: claim(series.labels), pod: `${series.labels.namespace}/${series.labels.pod}`, points: points(series) })),
    starts,
    nodeInfo: (inventory?.nodeInfo ?? []).map((series) => ({ labels: series.labels, points: points(series) })),
    pods: (inventory?.pods ?? []).map((series) => ({ namespace: series.labels.namespace ?? '', pod: series.labels.pod ?? '', node: series.labels.node ?? '', points: points(series) })),
    prometheusUp: health.prometheusUp.flatMap(points),
  });
  return { ...base, found: true, timeline };
}
