import 'server-only';
import type { FamilyId } from '@/lib/contract/finding';
import type { SourceStatus } from '@/lib/contract/source';
import type { StepSeries, StepGrid } from '@/lib/engine/steps';
import { onGrid } from '@/lib/engine/steps';
import { START_PARTS } from '@/lib/engine/facts';
import type { Gathered } from '@/lib/engine/observe';
import { identityOf, narrowedToPods, queriesOf, targetsOf, type NodePod, type PartScope } from '@/lib/engine/scope';
import type { TimelineInput } from '@/lib/engine/timeline';
import { sourceFailure } from '@/lib/errors';
import { FAMILIES } from '@/lib/families/registry';
import type { PrometheusClient } from '@/lib/prometheus/client';
import { ksmSelector, restored } from '@/lib/prometheus/ksm';
import { matchersOf, PROMETHEUS_JOBS, quoteLabelValue } from '@/lib/prometheus/promql';
import type { FleetNode, NodeRole } from '@/lib/topology/fleet';
import { indexNodes, nodeOfTarget, roleOfTarget, type JobRoles } from '@/lib/topology/targets';
import { nodeHostRegex, nodeInfoQuery } from './inventory';

/**
 * Asks Prometheus what the families need: each family's parts as one request (a failure degrades that
 * family only), the process start times as one more. At an instant for findings, over a grid for the
 * timeline: the same PromQL either way (lib/engine/scope.ts scopes it).
 */

const ROLE_WORDS: Record<NodeRole, string> = { kubelet: 'kubelet', cadvisor: 'cAdvisor', 'node-exporter': 'node-exporter' };

/** A set of named queries as one request, on the grid; null (and a failed source) when it fails. */
async function ask(prometheus: PrometheusClient, queries: Record<string, string>, grid: StepGrid, atMs: number | undefined, sources: SourceStatus[]): Promise<Record<string, StepSeries[]> | null> {
  const keys = Object.keys(queries);
  if (keys.length === 0) return {};
  const instant = grid.stepMs === 0;
  const endpoint = `POST ${instant ? '/api/v1/query' : '/api/v1/query_range'}, one request for: ${Object.values(queries).join(' ; ')}`;
  try {
    let answers: Record<string, StepSeries[]>;
    if (instant) {
      const samples = await prometheus.instantBatch(queries, atMs);
      answers = Object.fromEntries(keys.map((key) => [key, samples[key]!.map((sample) => ({ labels: sample.labels, values: [sample.value] }))]));
    } else {
      const result = await prometheus.rangeBatch(queries, { startMs: grid.startMs, endMs: grid.endMs }, grid.stepMs);
      answers = Object.fromEntries(keys.map((key) => [key, result.parts[key]!.map((series) => ({ labels: series.labels, values: onGrid(series.points, grid) }))]));
    }
    sources.push({ source: 'prometheus', endpoint, ok: true });
    return answers;
  } catch (error) {
    sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
    return null;
  }
}

function skipped(role: NodeRole, node: FleetNode): SourceStatus {
  const health = node.roles[role].health;
  return {
    source: 'prometheus',
    endpoint: `${ROLE_WORDS[role]} series`,
    ok: false,
    detail:
      health === 'unknown'
        ? `not queried: the node's ${ROLE_WORDS[role]} target has not been scraped yet`
        : `not queried: the node's ${ROLE_WORDS[role]} target is ${health === 'missing' ? 'missing' : 'down'}, so Prometheus holds no current series from it (see the target finding)`,
  };
}

/**
 * The pods on the node at `atMs` (undefined: now), or at any time of a range grid (and the lookback before
 * it), for the node's queries to read only their kube-state-metrics series (lib/engine/scope.ts
 * podsMatchers). Undefined when they cannot be listed: the queries then read every pod's, slower, not wrong.
 */
export async function nodePods(prometheus: PrometheusClient, node: string, grid: StepGrid, atMs: number | undefined, sources: SourceStatus[]): Promise<NodePod[] | undefined> {
  const selector = `kube_pod_info{node=${quoteLabelValue(node)}}`;
  const instant = grid.stepMs === 0;
  const query = `group by (namespace, pod) (${instant ? selector : `last_over_time(${selector}[${Math.ceil((grid.endMs - grid.startMs) / 1000) + 300}s])`})`;
  try {
    const samples = await prometheus.instantQuery(query, instant ? atMs : grid.endMs);
    return samples.flatMap(({ labels }) => (labels.namespace && labels.pod ? [{ namespace: labels.namespace, pod: labels.pod }] : []));
  } catch (error) {
    const failure = sourceFailure(error, { source: 'prometheus', endpoint: `POST /api/v1/query ${query}` });
    sources.push({ ...failure, detail: `${failure.detail}; the node's queries read every pod's series instead` });
    return undefined;
  }
}

/**
 * Every family's parts and the start times, at `atMs` (undefined: now) on a one-step grid or over a range
 * grid. `extra` joins the start-time request (the timeline's history: health and events); it is narrowed to
 * the scope's pods as the parts are.
 */
export async function gatherFamilies(
  prometheus: PrometheusClient,
  scope: PartScope,
  grid: StepGrid,
  atMs: number | undefined,
  sources: SourceStatus[],
  { node, extra: extraAsked = {} }: { node?: FleetNode; extra?: Record<string, string> } = {},
): Promise<{ gathered: Gathered; extra: Record<string, StepSeries[]> | null }> {
  const extra = Object.fromEntries(Object.entries(extraAsked).map(([key, promql]) => [key, narrowedToPods(promql, scope)]));
  const planned = FAMILIES.map((family) => ({ id: family.id, request: family.request ?? family.id, ...queriesOf(family.parts, scope) }));
  const starts = queriesOf(START_PARTS, scope);
  const skippedRoles = new Set<NodeRole>([...planned.flatMap((family) => family.skippedRoles), ...starts.skippedRoles]);
  // Families that share a request (Family.request) are asked together, their parts keyed "family part".
  const requests = new Map<FamilyId, Record<string, string>>();
  for (const family of planned) {
    const queries = requests.get(family.request) ?? {};
    for (const [key, promql] of Object.entries(family.queries)) queries[`${family.id} ${key}`] = promql;
    requests.set(family.request, queries);
  }
  const [startAnswers, ...answers] = await Promise.all([ask(prometheus, { ...starts.queries, ...extra }, grid, atMs, sources), ...[...requests.values()].map((queries) => ask(prometheus, queries, grid, atMs, sources))]);
  const answered = new Map([...requests.keys()].map((request, index) => [request, answers[index]]));
  const answersOf = (family: (typeof planned)[number]) => {
    const all = answered.get(family.request);
    return all ? Object.fromEntries(Object.keys(family.queries).map((key) => [key, all[`${family.id} ${key}`]!])) : null;
  };
  if (node && grid.stepMs === 0) for (const role of skippedRoles) sources.push(skipped(role, node));
  return {
    gathered: {
      grid,
      families: Object.fromEntries(planned.map((family) => [family.id, answersOf(family)])),
      queries: Object.fromEntries(planned.map((family) => [family.id, family.queries])),
      starts: startAnswers,
      startsQuery: Object.values(starts.queries).join('\n'),
    },
    extra: startAnswers,
  };
}


/**
 * The timeline's history queries: `up` of the node's own targets (by identity) and of any target labelled
 * with the node (its series from before a target changed address), the node's info and pods over the range,
 * and Prometheus' own health.
 */
function historyQueries(node: FleetNode, range: { startMs: number; endMs: number }, ksmExported: boolean): Record<string, string> {
  const name = quoteLabelValue(node.name);
  const targets = Object.values(node.roles).flatMap((role) => role.targets);
  const exporters = node.roles['node-exporter'].targets;
  const kubelets = node.roles.kubelet.targets;
  const rangeSeconds = Math.ceil((range.endMs - range.startMs) / 1000);
  // kube_pod_info of the node at any time of the range, by the pod's own node (see lib/prometheus/ksm.ts).
  const lastInRange = (matchers: string) => `last_over_time(kube_pod_info{${matchers}}[${rangeSeconds}s] @ ${(range.endMs / 1000).toFixed(3)})`;
  return {
    // By address too: a pod endpoint (node-exporter) has neither label, and its instance changes with its port.
    up: [...targets.map((target) => `up{${matchersOf(identityOf(target)).join(',')}}`), `up{node=${name}}`, `up{kubernetes_io_hostname=${name}}`, `up{instance=~${nodeHostRegex(node)}}`].join(' or '),
    // Prometheus' own target, by the build info only it exposes; the job matcher keeps the selection small.
    prometheusUp: `up{${PROMETHEUS_JOBS}} and on (job, instance) prometheus_build_info`,
    prometheusStart: `process_start_time_seconds{${PROMETHEUS_JOBS}} and on (job, instance) prometheus_build_info`,
    ...(kubelets.length > 0 ? { kubeletBuild: kubelets.map((target) => `kubernetes_build_info{${matchersOf(identityOf(target)).join(',')}}`).join(' or ') } : {}),
    ...(exporters.length > 0 ? { exporterStart: exporters.map((target) => `process_start_time_seconds{${matchersOf(identityOf(target)).join(',')}}`).join(' or ') } : {}),
    nodeInfo: nodeInfoQuery(node.name),
    // Every pod that was on the node at some point of the range, on whichever node it was at each step.
    pods: ksmExported
      ? `max by (namespace, pod, node) (${ksmSelector('kube_pod_info')} and on (namespace, pod) ${restored(`(${lastInRange(`node=${name},exported_node=""`)} or ${lastInRange(`exported_node=${name}`)})`)})`
      : `max by (namespace, pod, node) (kube_pod_info and on (namespace, pod) ${lastInRange(`node=${name}`)})`,
  };
}

/** Everything the timeline of a node needs over the grid; null when its history request failed. */
export async function gatherTimeline(prometheus: PrometheusClient, node: FleetNode, grid: StepGrid, jobRoles: JobRoles, sources: SourceStatus[], ksmExported = false): Promise<TimelineInput | null> {
  // Not where kube-state-metrics' labels are exported_*: nothing would be narrowed (lib/engine/scope.ts).
  const pods = ksmExported ? undefined : await nodePods(prometheus, node.name, grid, undefined, sources);
  const scope: PartScope = { kind: 'node', node: node.name, targets: targetsOf(node, 'all'), ksmExported, ...(pods ? { pods } : {}) };
  const { gathered, extra: history } = await gatherFamilies(prometheus, scope, grid, undefined, sources, { extra: historyQueries(node, grid, ksmExported) });
  if (!history) return null;
  const index = indexNodes([{ name: node.name, internalIp: node.internalIp }]);
  const up: TimelineInput['history']['up'] = [];
  for (const series of history.up ?? []) {
    const role = roleOfTarget({ labels: series.labels }, jobRoles);
    if ((role === 'kubelet' || role === 'cadvisor' || role === 'node-exporter') && nodeOfTarget({ labels: series.labels }, index) === node.name) up.push({ role, series });
  }
  return {
    node,
    gathered,
    history: {
      up,
      exporterStart: history.exporterStart ?? [],
      nodeInfo: history.nodeInfo ?? [],
      kubeletBuild: history.kubeletBuild ?? [],
      pods: history.pods ?? [],
      prometheusUp: history.prometheusUp ?? [],
      prometheusStart: history.prometheusStart ?? [],
    },
  };
}
