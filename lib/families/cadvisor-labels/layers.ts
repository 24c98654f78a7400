import type { ContainerLayers } from '@/lib/contract/investigation';
import { describeRule, relabel, type RelabelRule } from '@/lib/prometheus/relabel';
import type { ScrapeJobRules } from '@/lib/prometheus/scrape-config';
import { pathOf } from '@/lib/topology/targets';
import type { Observation, Sample, SourceCgroup } from '../types';

/**
 * Where each running container's cAdvisor series disappears, layer by layer. PURE.
 *
 * - expected: kube-state-metrics' running containers on the node (kube_pod_container_info, with the
 *   container id the runtime gave it);
 * - source: the cgroup of that container id in the kubelet's /metrics/cadvisor, with its labels;
 * - stored: whether Prometheus holds a series with the container's pod and name.
 *
 * A container missing from storage is explained by the first layer that lacks it: absent at the source,
 * at the source without labels (and then dropped, or stored unlabelled), or dropped before storage by a rule
 * of the cadvisor job's metric_relabel_configs, which is evaluated here on the very labels Prometheus would
 * see (the source's, plus the target's).
 */

export type MissingReason =
  | { layer: 'source'; reason: 'not-at-source' }
  | { layer: 'source'; reason: 'empty-labels'; droppedBy?: DroppedBy }
  | { layer: 'scrape'; reason: 'dropped-before-storage'; droppedBy: DroppedBy }
  | { layer: 'stored'; reason: 'not-stored' };

export interface DroppedBy {
  job: string;
  rule: string;
}

export interface ContainerVerdict {
  namespace: string;
  pod: string;
  container: string;
  /** The runtime's id, from kube-state-metrics' container_id ("containerd://<64 hex>"). */
  containerId: string;
  missing: MissingReason;
  /** The line the kubelet serves for its cgroup, when read. */
  line?: string;
}

const idOf = (containerId: string) => /[0-9a-f]{64}$/.exec(containerId)?.[0] ?? '';

/** A container cgroup's id ends with the runtime's container id (cgroupfs "/<id>", systemd "-<id>.scope"). */
function cgroupIndex(cgroups: readonly SourceCgroup[]): Map<string, SourceCgroup> {
  const index = new Map<string, SourceCgroup>();
  for (const cgroup of cgroups) {
    const id = /([0-9a-f]{64})(\.scope)?$/.exec(cgroup.id)?.[1];
    if (id) index.set(id, cgroup);
  }
  return index;
}

export const hasPodLabels = (labels: Record<string, string>) => Boolean(labels.pod || labels.pod_name) && Boolean(labels.image);

/**
 * The scrape jobs of the node's cadvisor targets, with their metric_relabel_configs. A target's job is its
 * scrape pool where the targets API told it; else the job whose job_name is its `job` label (the default);
 * else, since `up` series carry no pool and an operator's job_name is not its `job` label, the jobs that
 * scrape the target's path (`serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1` scrapes
 * /metrics/cadvisor for `job="kubelet"`).
 */
export function cadvisorJobs(observation: Observation): { job: string; target: Record<string, string>; rules: readonly RelabelRule[]; config: ScrapeJobRules }[] {
  const jobs = observation.scrapeRules;
  if (!jobs) return [];
  return observation.roles.cadvisor.targets.flatMap((target) => {
    const byName = jobs.get(target.pool ?? target.job);
    const path = pathOf(target) || '/metrics/cadvisor';
    const found = byName ? [byName] : target.pool ? [] : [...jobs.values()].filter((job) => job.metricsPath === path);
    return found.map((job) => ({ job: job.jobName, target: target.labels, rules: job.metricRelabel, config: job }));
  });
}


/**
 * The first rule of the node's cadvisor jobs that drops a series with these scraped labels, after the
 * target's labels join them as honor_labels would have it (scraped labels win, empty ones stay empty).
 */
export function droppedBy(observation: Observation, scraped: Record<string, string>, metric = 'container_cpu_usage_seconds_total'): DroppedBy | undefined {
  for (const { job, target, rules } of cadvisorJobs(observation)) {
    const result = relabel({ ...target, ...scraped, __name__: metric }, rules);
    if (result.outcome === 'dropped') return { job, rule: describeRule(result.rule) };
  }
  return undefined;
}

/** A container cgroup as cAdvisor serves it without a runtime factory: its id only, every pod label empty. */
export function unlabelledCgroup(containerId: string): Record<string, string> {
  return { id: `/kubepods/burstable/pod00000000-0000-0000-0000-000000000000/${idOf(containerId) || '0'.repeat(64)}`, container: '', image: '', name: '', namespace: '', pod: '' };
}

export function classifyContainers(observation: Observation, unstored: readonly Sample[]): ContainerVerdict[] {
  const cgroups = observation.cadvisorSource?.cgroups;
  const index = cgroups ? cgroupIndex(cgroups) : null;
  return unstored.map(({ labels }) => {
    const base = { namespace: labels.namespace ?? '', pod: labels.pod ?? '', container: labels.container ?? '', containerId: labels.container_id ?? '' };
    if (!index) return { ...base, missing: { layer: 'stored', reason: 'not-stored' } };
    const cgroup = index.get(idOf(base.containerId));
    if (!cgroup) return { ...base, missing: { layer: 'source', reason: 'not-at-source' } };
    const dropped = droppedBy(observation, cgroup.labels);
    if (!hasPodLabels(cgroup.labels)) return { ...base, line: cgroup.line, missing: { layer: 'source', reason: 'empty-labels', ...(dropped ? { droppedBy: dropped } : {}) } };
    if (dropped) return { ...base, line: cgroup.line, missing: { layer: 'scrape', reason: 'dropped-before-storage', droppedBy: dropped } };
    return { ...base, line: cgroup.line, missing: { layer: 'stored', reason: 'not-stored' } };
  });
}

const REASON_TEXT: Record<MissingReason['reason'], string> = {
  'not-at-source': 'absent at the kubelet',
  'empty-labels': 'at the kubelet without pod labels',
  'dropped-before-storage': 'dropped before storage',
  'not-stored': 'not stored',
};

/** The counts the node page's card shows: expected, at the source (with which labels), stored, and why not. */
export function containerLayers(observation: Observation, expected: number, verdicts: readonly ContainerVerdict[], unlabelledStored: number): ContainerLayers {
  const source = observation.cadvisorSource;
  const cgroups = source?.cgroups;
  const reasons = new Map<string, ContainerLayers['missing'][number]>();
  for (const verdict of verdicts) {
    const rule = 'droppedBy' in verdict.missing ? verdict.missing.droppedBy : undefined;
    const key = `${verdict.missing.reason}\u0000${rule?.job ?? ''}\u0000${rule?.rule ?? ''}`;
    const entry = reasons.get(key) ?? { layer: verdict.missing.layer, reason: verdict.missing.reason, text: REASON_TEXT[verdict.missing.reason], count: 0, ...(rule ? { job: rule.job, rule: rule.rule } : {}) };
    entry.count++;
    reasons.set(key, entry);
  }
  return {
    family: 'cadvisor-labels',
    subject: 'container cgroups',
    expected,
    source: cgroups
      ? {
          read: true,
          containers: cgroups.length,
          labelled: cgroups.filter((cgroup) => hasPodLabels(cgroup.labels) && !cgroup.labels.pod_name).length,
          emptyLabels: cgroups.filter((cgroup) => !hasPodLabels(cgroup.labels)).length,
          legacyLabels: cgroups.filter((cgroup) => Boolean(cgroup.labels.pod_name)).length,
        }
      : { read: false, detail: observation.sourceNotRead ?? source?.failures.join('; ') ?? 'the kubelet was not read' },
    stored: Math.max(0, expected - verdicts.length),
    unlabelledStored,
    missing: [...reasons.values()],
  };
}
