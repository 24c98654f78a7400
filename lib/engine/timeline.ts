import type { FamilyId } from '@/lib/contract/finding';
import type { Explanation, Lane, Segment, SegmentState, Timeline, TimelineEvent } from '@/lib/contract/timeline';
import { FAMILIES } from '@/lib/families/registry';
import type { AnyFamily, CadvisorSource, ExplainContext, Observation, Verdict } from '@/lib/families/types';
import { combineHealth, type FleetNode, type NodeRole, type RoleHealth } from '@/lib/topology/fleet';
import { NODE_ROLES } from '@/lib/topology/targets';
import { duration, kubeletVersionEvents, podMoveEvents, prometheusGapEvents, restartEvents, runtimeEvents, sourceStartEvents, type StartSeries } from './events';
import { runtimeUnitOf } from './facts';
import { observe, type Gathered, type NodeAtStep } from './observe';
import { seriesKey } from './scope';
import { currentAt, type StepSeries } from './steps';

/**
 * A node's timeline: every family's rule at every step of the range, as lanes; what changed, as events;
 * and the events each family names as the causes of its gaps, as explanations. PURE.
 *
 * Where Prometheus stored nothing at all (neither the node's targets' `up` nor its own), every lane shows
 * no-data, so an outage of Prometheus is never read as a series gap.
 */

export interface TimelineInput {
  /** The node as the inventory knows it now: its targets select the series, its facts fill what history lacks. */
  node: FleetNode;
  gathered: Gathered;
  /** The kubelet's cAdvisor read now, where the view is live: start times the scrape job did not store. */
  source?: CadvisorSource;
  /** The scrape jobs' metric_relabel_configs now (the configuration's history is not kept). */
  scrapeRules?: Observation['scrapeRules'];
  /**
   * The range ends now: a target down until the end of the range is down now, and its current last error (the
   * node's targets, from the targets API) tells why for that last outage; `up` has no error of its own.
   */
  live?: boolean;
  history: {
    /** `up` of the node's targets over the range, each with its role. */
    up: { role: NodeRole; series: StepSeries }[];
    exporterStart: StepSeries[];
    /** kube_node_info of the node: one series per label set (versions). */
    nodeInfo: StepSeries[];
    /** The kubelet's own kubernetes_build_info: its version even where kube-state-metrics kept no history. */
    kubeletBuild: StepSeries[];
    /** kube_pod_info of every pod that was on the node during the range, on whatever node it was. */
    pods: StepSeries[];
    prometheusUp: StepSeries[];
    prometheusStart: StepSeries[];
  };
}

/** Events further back than this are not offered as the cause of a gap. */
const CAUSE_WINDOW_MS = 30 * 60_000;

function clock(ms: number, withDate: boolean): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 19)} UTC` : `${iso.slice(11, 19)} UTC`;
}

/** `up` series carry no scrape pool; the targets the node has now tell it, where job and instance are the same. */
function poolsOf(node: FleetNode): Map<string, string> {
  return new Map(Object.values(node.roles).flatMap((health) => health.targets.flatMap((target) => (target.pool ? [[seriesKey({ job: target.job, instance: target.instance }), target.pool] as const] : []))));
}

/**
 * For a live range, the targets down now, by job and instance, with the step where their last outage began
 * (down at every step from there to the end): their current last error and scrape URL hold from that step.
 */
function currentOutages(input: TimelineInput): Map<string, { from: number; target: RoleHealth['targets'][number] }> {
  const outages = new Map<string, { from: number; target: RoleHealth['targets'][number] }>();
  if (!input.live) return outages;
  const downNow = new Map<string, RoleHealth['targets'][number]>(Object.values(input.node.roles).flatMap((health) => health.targets.filter((target) => target.health === 'down' && target.lastError).map((target) => [seriesKey({ job: target.job, instance: target.instance }), target] as const)));
  for (const { series } of input.history.up) {
    const key = seriesKey(series.labels);
    const target = downNow.get(key);
    const values = series.values;
    let from = values.length;
    while (from > 0 && values[from - 1] === 0) from--;
    if (target && from < values.length) outages.set(key, { from, target });
  }
  return outages;
}

/** Target health at each step, from `up` (with the current last error for the outage that lasts until now). */
function rolesAt(input: TimelineInput, step: number, pools: ReadonlyMap<string, string>, outages: ReturnType<typeof currentOutages>): Record<NodeRole, RoleHealth> {
  const roles = {} as Record<NodeRole, RoleHealth>;
  for (const role of NODE_ROLES) {
    const targets = input.history.up
      .filter((entry) => entry.role === role && entry.series.values[step] !== undefined)
      .map(({ series }) => {
        const key = seriesKey(series.labels);
        const pool = pools.get(key);
        const outage = outages.get(key);
        const current = outage && step >= outage.from ? { lastError: outage.target.lastError, ...(outage.target.scrapeUrl ? { scrapeUrl: outage.target.scrapeUrl } : {}) } : { lastError: '' };
        return { instance: series.labels.instance ?? '', job: series.labels.job ?? '', ...(pool ? { pool } : {}), labels: series.labels, health: series.values[step] === 1 ? ('up' as const) : ('down' as const), ...current };
      });
    roles[role] = { health: combineHealth(targets), targets };
  }
  return roles;
}

/**
 * Where to read kube-state-metrics' answers for each step: the step itself where it has data for the node,
 * else the nearest earlier step that has, else (before its history begins) its first one. A kube-state-metrics
 * outage or a young install must not make every claim "not expected".
 */
function inventorySteps(input: TimelineInput, steps: number): number[] {
  const present = Array.from({ length: steps }, (_, step) => input.history.nodeInfo.some((series) => series.values[step] !== undefined));
  const first = present.indexOf(true);
  let last = first;
  return present.map((here, step) => {
    if (here) last = step;
    return first === -1 ? step : here ? step : step < first ? first : last;
  });
}

/** The kubelet's version at each step: its own build info, else kube-state-metrics' word for it. */
function kubeletVersions(input: TimelineInput, inventoryStep: number[]): (string | undefined)[] {
  return inventoryStep.map((fromInventory, step) => {
    const own = currentAt(input.history.kubeletBuild, step)?.labels.git_version;
    return own ?? currentAt(input.history.nodeInfo, fromInventory)?.labels.kubelet_version;
  });
}

function nodeAt(input: TimelineInput, step: number, inventoryStep: number, kubeletVersion: string | undefined, pools: ReadonlyMap<string, string>, outages: ReturnType<typeof currentOutages>): NodeAtStep {
  const labels = currentAt(input.history.nodeInfo, inventoryStep)?.labels;
  const { node } = input;
  return {
    facts: {
      name: node.name,
      internalIp: labels?.internal_ip ?? node.internalIp,
      kubeletVersion: kubeletVersion ?? node.kubeletVersion,
      containerRuntime: labels?.container_runtime_version ?? node.containerRuntime,
      ...((labels?.os_image ?? node.osImage) ? { osImage: labels?.os_image ?? node.osImage } : {}),
    },
    roles: rolesAt(input, step, pools, outages),
    healthFrom: 'up-series',
    ...(input.scrapeRules ? { scrapeRules: input.scrapeRules } : {}),
  };
}

function laneState(verdict: Verdict): SegmentState {
  return verdict.state === 'fault' ? 'gap' : verdict.state;
}

interface LaneSteps {
  family: AnyFamily;
  subject: string;
  title: string;
  quiet: boolean;
  states: SegmentState[];
  verdicts: (Verdict | undefined)[];
}

function lanesOf(family: AnyFamily, perStep: (Verdict[] | null)[], prometheusGap: boolean[]): LaneSteps[] {
  const bySubject = new Map<string, { title: string; quiet: boolean }>();
  const lookups = perStep.map((verdicts) => new Map((verdicts ?? []).map((verdict) => [verdict.subject, verdict])));
  for (const verdicts of perStep) {
    for (const verdict of verdicts ?? []) {
      const known = bySubject.get(verdict.subject);
      bySubject.set(verdict.subject, { title: verdict.title, quiet: (known?.quiet ?? true) && Boolean(verdict.quiet) });
    }
  }
  return [...bySubject].map(([subject, { title, quiet }]) => {
    const verdicts = lookups.map((lookup) => lookup.get(subject));
    const states = verdicts.map((verdict, step): SegmentState => {
      if (prometheusGap[step] || perStep[step] === null) return 'no-data';
      return verdict ? laneState(verdict) : family.absent;
    });
    return { family, subject, title, quiet, states, verdicts };
  });
}

function segmentsOf(lane: LaneSteps, times: number[], endMs: number): Segment[] {
  const segments: Segment[] = [];
  lane.states.forEach((state, step) => {
    const verdict = lane.verdicts[step];
    const cause = state === 'gap' || state === 'by-design' ? verdict?.cause : undefined;
    const toMs = Math.min(times[step + 1] ?? endMs, endMs);
    const last = segments.at(-1);
    if (last && last.state === state && last.cause === cause) {
      last.toMs = toMs;
      if (verdict?.value !== undefined) last.value = Math.max(last.value ?? 0, verdict.value);
    } else {
      segments.push({ fromMs: times[step]!, toMs: Math.max(toMs, times[step]!), state, ...(cause ? { cause } : {}), ...(verdict?.value !== undefined ? { value: verdict.value } : {}) });
    }
  });
  return segments;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const { grid } = input.gathered;
  const times = grid.times;
  const steps = times.length;
  const inventoryStep = inventorySteps(input, steps);
  const firstInventory = input.history.nodeInfo.length > 0 ? Math.min(...inventoryStep) : -1;
  const versions = kubeletVersions(input, inventoryStep);
  const pools = poolsOf(input.node);
  const outages = currentOutages(input);
  const nodes = times.map((_, step) => nodeAt(input, step, inventoryStep[step]!, versions[step], pools, outages));
  const observations: Observation[] = nodes.map((node, step) => observe(input.gathered, step, node, inventoryStep[step]));
  const prometheusGap = times.map((_, step) => !input.history.up.some((entry) => entry.series.values[step] !== undefined) && !input.history.prometheusUp.some((series) => series.values[step] !== undefined));

  // Events
  const starts: StartSeries[] = [
    ...(input.gathered.starts?.kubeletStart ?? []).map((series) => ({ component: 'kubelet' as const, process: 'kubelet', series })),
    ...input.history.exporterStart.map((series) => ({ component: 'node-exporter' as const, process: 'node-exporter', series })),
    ...(input.gathered.starts?.runtimeStart ?? []).map((series) => ({ component: 'runtime' as const, process: runtimeUnitOf(series.labels.id), series })),
    ...input.history.prometheusStart.map((series) => ({ component: 'prometheus' as const, process: 'Prometheus', series })),
  ];
  const gaps = prometheusGapEvents(prometheusGap, grid);
  const history: TimelineEvent[] =
    firstInventory > 0 && prometheusGap.slice(0, firstInventory).some((gap) => !gap)
      ? [{ id: `history-start:kube-state-metrics:${times[firstInventory]}`, atMs: times[firstInventory]!, kind: 'history-start', component: 'kube-state-metrics', summary: "kube-state-metrics' history begins: before it, what should exist is read from its first samples" }]
      : [];
  const restarts = restartEvents(starts, grid);
  const events = [...restarts, ...sourceStartEvents(input.source, restarts, grid), ...kubeletVersionEvents(versions, grid), ...runtimeEvents(input.history.nodeInfo, grid), ...podMoveEvents(input.history.pods, input.node.name, grid), ...gaps, ...history].sort(
    (a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id),
  );

  // Lanes: every family's rule at every step.
  const laneSteps = FAMILIES.flatMap((family) => {
    const perStep = observations.map((observation) => family.rule(observation));
    return lanesOf(family, perStep, prometheusGap).filter((lane) => !lane.quiet || lane.states.some((state) => state === 'gap' || state === 'by-design'));
  });
  const lanes: Lane[] = laneSteps.map((lane) => ({ id: `${lane.family.id}:${lane.subject}`, family: lane.family.id, subject: lane.subject, title: lane.title, segments: segmentsOf(lane, times, grid.endMs) }));

  // Explanations
  const withDate = grid.endMs - grid.startMs > 86_400_000;
  const context: ExplainContext = {
    node: input.node.name,
    events,
    stepMs: grid.stepMs,
    clock: (ms) => clock(ms, withDate),
    latest: (atMs, match, windowMs = CAUSE_WINDOW_MS) => events.filter((event) => match(event) && event.atMs <= atMs && atMs - event.atMs <= windowMs).sort((a, b) => b.atMs - a.atMs)[0],
    // Changes are placed at step resolution, events to the second: one within the same second came "right" before.
    after: (event, atMs) => (atMs - event.atMs < 1000 ? 'right after' : `${duration(atMs - event.atMs)} after`),
  };
  const explanations: Explanation[] = [];
  laneSteps.forEach((lane, index) => {
    const laneId = lanes[index]!.id;
    let before: SegmentState | undefined;
    let beforeStep = -1;
    lane.states.forEach((state, step) => {
      // A lane that only paused during a Prometheus gap does not change.
      if (prometheusGap[step]) return;
      if (state === before) {
        beforeStep = step;
        return;
      }
      const atMs = times[step]!;
      if (state === 'gap' && before === undefined && step === 0) {
        explanations.push({ laneId, atMs, eventIds: [], text: `Already missing or wrong when the range begins (${context.clock(atMs)}): it began earlier (widen the range to see when), and the node's findings tell why.` });
      } else if (before !== undefined || state === 'gap') {
        const explained = lane.family.explain({ laneId, subject: lane.subject, atMs, from: before, to: state, verdict: lane.verdicts[step], before: beforeStep >= 0 ? lane.verdicts[beforeStep] : undefined, observation: observations[step]! }, context);
        if (explained) explanations.push({ laneId, atMs, text: explained.text, eventIds: explained.events.filter((event): event is TimelineEvent => Boolean(event)).map((event) => event.id) });
        else if (state === 'gap') explanations.push({ laneId, atMs, eventIds: [], text: `${lane.title} turned into a gap at ${context.clock(atMs)} (${lane.verdicts[step]?.cause ?? 'no cause'}): the node's findings tell why.` });
      }
      before = state;
      beforeStep = step;
    });
  });
  for (const gap of gaps) {
    if (gap.untilMs! - gap.atMs >= grid.endMs - grid.startMs) continue;
    explanations.push({
      laneId: 'prometheus',
      atMs: gap.atMs,
      eventIds: [gap.id],
      text: `Prometheus stored nothing for this node or for itself from ${context.clock(gap.atMs)} to ${context.clock(gap.untilMs!)} (${duration(gap.untilMs! - gap.atMs)}): Prometheus was down or not scraping. The lanes show no data there, not a gap in the node's series.`,
    });
  }
  explanations.sort((a, b) => a.atMs - b.atMs);

  const shown = new Set<FamilyId>(lanes.map((lane) => lane.family));
  return {
    node: input.node.name,
    startMs: grid.startMs,
    endMs: grid.endMs,
    stepMs: grid.stepMs,
    lanes,
    events,
    explanations,
    quietFamilies: FAMILIES.filter((family) => !shown.has(family.id)).map((family) => ({ family: family.id, title: family.title })),
  };
}
