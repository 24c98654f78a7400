import type { FamilyId } from '@/lib/contract/finding';
import { FAMILIES } from '@/lib/families/registry';
import type { KubeletVolumeSource, NodeFacts, Observation, QueryPart, Sample } from '@/lib/families/types';
import type { NodeRole, RoleHealth } from '@/lib/topology/fleet';
import { START_PARTS } from './facts';
import { seriesKey } from './scope';
import type { StepGrid, StepSeries } from './steps';

/**
 * Observations: what the answers to a family's parts say about one node at one step. PURE.
 *
 * The findings of a node are its observation at one instant; a fleet's, every node's observation at that
 * instant, from the same fleet-wide answers; a timeline's lanes, the node's observation at every step. One
 * code path slices them all: a role's series through the node's targets of that role that are up at the step,
 * kube-state-metrics series by their `node` label, cluster lookups as they are.
 */

/** The answers to every part, on a grid. A family absent or null: its request failed. */
export interface Gathered {
  grid: StepGrid;
  families: Partial<Record<FamilyId, Record<string, StepSeries[]> | null>>;
  /** The answers to START_PARTS; null: that request failed. */
  starts: Record<string, StepSeries[]> | null;
  /** The PromQL sent for each part, for the evidence. */
  queries: Partial<Record<FamilyId, Record<string, string>>>;
  startsQuery: string;
}

/** The node as known at one step: its facts and the health of its targets. */
export interface NodeAtStep {
  facts: NodeFacts;
  roles: Record<NodeRole, RoleHealth>;
  healthFrom: Observation['healthFrom'];
  kubeletVolumes?: KubeletVolumeSource;
  scrapeRules?: Observation['scrapeRules'];
  /** Prometheus started moments ago: a role without a target is not missing yet. */
  notScrapedYet?: boolean;
}

/** Series grouped by target (job and instance) or by `node` label, once per answer: the fleet splits one answer 1,000 ways. */
const groupings = { target: new WeakMap<StepSeries[], Map<string, StepSeries[]>>(), node: new WeakMap<StepSeries[], Map<string, StepSeries[]>>() };
function groupOnce(series: StepSeries[], by: keyof typeof groupings): Map<string, StepSeries[]> {
  const cached = groupings[by].get(series);
  if (cached) return cached;
  const groups = new Map<string, StepSeries[]>();
  for (const entry of series) {
    const key = by === 'target' ? seriesKey(entry.labels) : (entry.labels.node ?? '');
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  groupings[by].set(series, groups);
  return groups;
}

/** Samples of series at one step; cluster lookups keep one array per step, shared by every node. */
const sharedAtStep = new WeakMap<StepSeries[], Map<number, Sample[]>>();
function samplesAt(series: StepSeries[], step: number): Sample[] {
  const samples: Sample[] = [];
  for (const entry of series) {
    const value = entry.values[step];
    if (value !== undefined) samples.push({ labels: entry.labels, value });
  }
  return samples;
}
function sharedSamplesAt(series: StepSeries[], step: number): Sample[] {
  let bySteps = sharedAtStep.get(series);
  if (!bySteps) sharedAtStep.set(series, (bySteps = new Map()));
  let samples = bySteps.get(step);
  if (!samples) bySteps.set(step, (samples = samplesAt(series, step)));
  return samples;
}

/**
 * A part's samples for the node at a step; null when its role has no target up there. kube-state-metrics'
 * parts are read at `inventoryStep`: before its history begins, the timeline reads its first samples.
 */
export function sliceOf(part: QueryPart, series: StepSeries[], step: number, node: NodeAtStep, inventoryStep = step): Sample[] | null {
  if (part.of === 'cluster') return sharedSamplesAt(series, inventoryStep);
  if (part.of === 'node') {
    if (part.needs && !node.roles[part.needs].targets.some((target) => target.health === 'up')) return null;
    return samplesAt(groupOnce(series, 'node').get(node.facts.name) ?? [], inventoryStep);
  }
  const keys = new Set(node.roles[part.of].targets.filter((target) => target.health === 'up').map((target) => seriesKey({ job: target.job, instance: target.instance })));
  if (keys.size === 0) return null;
  const groups = groupOnce(series, 'target');
  return samplesAt([...keys].flatMap((key) => groups.get(key) ?? []), step);
}

/** The node's observation at one step of the gathered answers. */
export function observe(gathered: Gathered, step: number, node: NodeAtStep, inventoryStep = step): Observation {
  const atMs = gathered.grid.times[step]!;
  const parts: Observation['parts'] = {};
  for (const family of FAMILIES) {
    const answers = gathered.families[family.id];
    if (!answers) continue;
    const slices: Record<string, Sample[] | null> = {};
    for (const [key, part] of Object.entries<QueryPart>(family.parts)) slices[key] = answers[key] ? sliceOf(part, answers[key], step, node, inventoryStep) : null;
    parts[family.id] = slices;
  }
  const start = (key: keyof typeof START_PARTS) => (gathered.starts?.[key] ? sliceOf(START_PARTS[key], gathered.starts[key], step, node)?.[0] : undefined);
  const kubelet = start('kubeletStart');
  const runtime = start('runtimeStart');
  return {
    node: node.facts,
    atMs,
    at: new Date(atMs).toISOString(),
    roles: node.roles,
    healthFrom: node.healthFrom,
    ...(node.notScrapedYet ? { notScrapedYet: true } : {}),
    starts: {
      kubelet: kubelet ? kubelet.value * 1000 : undefined,
      runtime: runtime ? runtime.value * 1000 : undefined,
      query: gathered.startsQuery,
    },
    parts,
    queries: gathered.queries,
    ...(node.kubeletVolumes ? { kubeletVolumes: node.kubeletVolumes } : {}),
    ...(node.scrapeRules ? { scrapeRules: node.scrapeRules } : {}),
  };
}
