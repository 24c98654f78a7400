import type { Component, Explanation, Lane, LaneGroup, Point, Segment, Timeline, TimelineEvent, TimelineInput } from './model';

/**
 * Range series -> lanes, events and explanations. PURE: the range and every series are passed in.
 *
 * Each lane holds one state per step of the range query; runs of equal states become segments. A step where
 * neither Prometheus itself nor any of the node's targets has a sample is a Prometheus gap: every lane shows
 * "no data" there, so that an outage of Prometheus is never read as a series gap.
 */

type State = Segment['state'];
interface Step {
  state: State;
  value?: number;
}

/** Events further back than this are not offered as the cause of a gap. */
const CAUSE_WINDOW_MS = 30 * 60_000;
/** Prometheus' default lookback delta: a series that stops still answers for this long. */
const LOOKBACK_MS = 5 * 60_000;

function stepsOf(input: TimelineInput): number[] {
  const times: number[] = [];
  for (let t = input.startMs; t <= input.endMs; t += input.stepMs) times.push(t);
  return times;
}

/** Values by step index; Prometheus returns range points on the start + k*step grid. */
function atSteps(points: readonly Point[], input: TimelineInput, count: number): (number | undefined)[] {
  const values = new Array<number | undefined>(count).fill(undefined);
  for (const [time, value] of points) {
    const index = Math.round((time - input.startMs) / input.stepMs);
    if (index >= 0 && index < count) values[index] = value;
  }
  return values;
}

function segmentsOf(steps: Step[], times: number[], endMs: number): Segment[] {
  const segments: Segment[] = [];
  steps.forEach((step, index) => {
    const toMs = Math.min(times[index + 1] ?? endMs, endMs);
    const last = segments.at(-1);
    if (last && last.state === step.state) {
      last.toMs = toMs;
      if (step.value !== undefined) last.value = Math.max(last.value ?? 0, step.value);
    } else {
      segments.push({ fromMs: times[index]!, toMs: Math.max(toMs, times[index]!), state: step.state, ...(step.value !== undefined ? { value: step.value } : {}) });
    }
  });
  return segments;
}

// ---- wording ----

function clock(ms: number, withDate: boolean): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 19)} UTC` : `${iso.slice(11, 19)} UTC`;
}

export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

const runtimeName = (version: string) => version.split('://')[0] ?? version;

// ---- events ----

function restartEvents(input: TimelineInput): TimelineEvent[] {
  const events = new Map<string, TimelineEvent>();
  for (const { component, name, points } of input.starts) {
    let previous: number | undefined;
    for (const [, seconds] of points) {
      const atMs = Math.round(seconds * 1000);
      if (atMs === previous) continue;
      const restarted = previous !== undefined;
      previous = atMs;
      if (atMs < input.startMs || atMs > input.endMs) continue;
      const id = `${component === 'prometheus' ? 'prometheus-restart' : 'restart'}:${component}:${Math.round(atMs / 1000)}`;
      events.set(id, {
        id,
        atMs,
        kind: component === 'prometheus' ? 'prometheus-restart' : 'restart',
        component,
        summary: `${name} ${restarted || component !== 'runtime' ? 'restarted' : 'started'}`,
      });
    }
  }
  return [...events.values()];
}

function nodeInfoEvents(input: TimelineInput, times: number[]): TimelineEvent[] {
  const series = input.nodeInfo.map((info) => ({ labels: info.labels, present: atSteps(info.points, input, times.length) }));
  const events: TimelineEvent[] = [];
  let current: Record<string, string> | undefined;
  times.forEach((time, index) => {
    const labels = series.find((entry) => entry.present[index] !== undefined)?.labels;
    if (!labels) return;
    if (current) {
      const [kubeletBefore, kubeletAfter] = [current.kubelet_version ?? '', labels.kubelet_version ?? ''];
      if (kubeletBefore !== kubeletAfter) {
        events.push({ id: `version-change:kubelet:${time}`, atMs: time, kind: 'version-change', component: 'kubelet', summary: `kubelet ${kubeletBefore} → ${kubeletAfter}` });
      }
      const [runtimeBefore, runtimeAfter] = [current.container_runtime_version ?? '', labels.container_runtime_version ?? ''];
      if (runtimeBefore !== runtimeAfter) {
        const switched = runtimeName(runtimeBefore) !== runtimeName(runtimeAfter);
        events.push({
          id: `${switched ? 'runtime-switch' : 'version-change'}:runtime:${time}`,
          atMs: time,
          kind: switched ? 'runtime-switch' : 'version-change',
          component: 'runtime',
          summary: `${switched ? 'runtime switched' : 'runtime upgraded'}: ${runtimeBefore} → ${runtimeAfter}`,
        });
      }
    }
    current = labels;
  });
  return events;
}

function podMoveEvents(input: TimelineInput, times: number[]): TimelineEvent[] {
  const byPod = new Map<string, { node: string; present: (number | undefined)[] }[]>();
  for (const pod of input.pods) {
    const key = `${pod.namespace}/${pod.pod}`;
    const entries = byPod.get(key) ?? [];
    entries.push({ node: pod.node, present: atSteps(pod.points, input, times.length) });
    byPod.set(key, entries);
  }
  const events: TimelineEvent[] = [];
  for (const [pod, entries] of byPod) {
    let lastNode: string | undefined;
    times.forEach((time, index) => {
      const node = entries.find((entry) => entry.present[index] !== undefined)?.node;
      if (!node) return;
      if (lastNode && node !== lastNode && (node === input.node || lastNode === input.node)) {
        events.push({ id: `pod-move:${pod}:${time}`, atMs: time, kind: 'pod-move', component: pod, summary: `${pod} moved from ${lastNode} to ${node}` });
      }
      lastNode = node;
    });
  }
  return events;
}

// ---- lanes ----

type Role = TimelineInput['targets'][number]['role'];

interface Context {
  input: TimelineInput;
  times: number[];
  /** Per step: Prometheus stored nothing at all. */
  prometheusGap: boolean[];
  /** Per role and step: true up, false down, undefined no target sample. */
  roleUp: Record<Role, (boolean | undefined)[]>;
  hasRole: Record<Role, boolean>;
}

function contextOf(input: TimelineInput, times: number[]): Context {
  const count = times.length;
  const roleUp: Context['roleUp'] = { kubelet: new Array(count).fill(undefined), cadvisor: new Array(count).fill(undefined), 'node-exporter': new Array(count).fill(undefined) };
  const hasRole = { kubelet: false, cadvisor: false, 'node-exporter': false };
  const anySample = new Array<boolean>(count).fill(false);
  for (const target of input.targets) {
    hasRole[target.role] = true;
    atSteps(target.points, input, count).forEach((value, index) => {
      if (value === undefined) return;
      anySample[index] = true;
      roleUp[target.role][index] = roleUp[target.role][index] === true || value === 1;
    });
  }
  atSteps(input.prometheusUp, input, count).forEach((value, index) => {
    if (value !== undefined) anySample[index] = true;
  });
  return { input, times, prometheusGap: anySample.map((sampled) => !sampled), roleUp, hasRole };
}

function lane(context: Context, id: string, group: LaneGroup, title: string, steps: Step[]): Lane {
  const masked = steps.map((step, index) => (context.prometheusGap[index] ? { state: 'no-data' as const } : step));
  return { id, group, title, segments: segmentsOf(masked, context.times, context.input.endMs) };
}

function targetLanes(context: Context): Lane[] {
  const byJob = new Map<string, { role: Role; job: string; values: (number | undefined)[][] }>();
  for (const target of context.input.targets) {
    const key = `${target.role}:${target.job}`;
    const entry = byJob.get(key) ?? { role: target.role, job: target.job, values: [] };
    entry.values.push(atSteps(target.points, context.input, context.times.length));
    byJob.set(key, entry);
  }
  return [...byJob.entries()].map(([key, { role, job, values }]) =>
    lane(
      context,
      `target:${key}`,
      'target-health',
      `${role} target (${job})`,
      context.times.map((_, index) => {
        const samples = values.map((series) => series[index]).filter((value) => value !== undefined);
        return { state: samples.includes(1) ? 'ok' : samples.length > 0 ? 'gap' : 'no-data' };
      }),
    ),
  );
}

function countLane(context: Context, id: string, group: LaneGroup, title: string, points: readonly Point[], role: Role): Lane | null {
  if (!context.hasRole[role] && points.length === 0) return null;
  const values = atSteps(points, context.input, context.times.length);
  return lane(
    context,
    id,
    group,
    title,
    values.map((value, index): Step => {
      const count = value ?? (context.roleUp[role][index] === true ? 0 : undefined);
      if (count === undefined) return { state: 'no-data' };
      return { state: count > 0 ? 'gap' : 'ok', value: count };
    }),
  );
}

function claimLanes(context: Context): Lane[] {
  const claims = [...new Set([...context.input.claimStats.map((entry) => entry.claim), ...context.input.claimsOnNode.map((entry) => entry.claim)])].sort();
  return claims.map((claim) => {
    const count = context.times.length;
    const present = new Array<boolean>(count).fill(false);
    const expected = new Array<boolean>(count).fill(false);
    for (const entry of context.input.claimStats.filter((stats) => stats.claim === claim)) atSteps(entry.points, context.input, count).forEach((value, index) => value !== undefined && (present[index] = true));
    for (const entry of context.input.claimsOnNode.filter((use) => use.claim === claim)) atSteps(entry.points, context.input, count).forEach((value, index) => value !== undefined && (expected[index] = true));
    return lane(
      context,
      `pvc:${claim}`,
      'pvc-stats',
      `volume stats of ${claim}`,
      present.map((isPresent, index) => ({ state: isPresent ? 'ok' : expected[index] ? 'gap' : 'not-expected' })),
    );
  });
}

// ---- explanations ----

interface GapStart {
  lane: Lane;
  atMs: number;
  atRangeStart: boolean;
}

/** Where a lane turns into a gap; a gap that only paused for a Prometheus gap does not start again. */
function gapStarts(lane: Lane, context: Context): GapStart[] {
  const starts: GapStart[] = [];
  let before: State | undefined;
  for (const segment of lane.segments) {
    const outage = segment.state === 'no-data' && context.prometheusGap[Math.round((segment.fromMs - context.input.startMs) / context.input.stepMs)];
    if (outage) continue;
    if (segment.state === 'gap' && before !== 'gap') starts.push({ lane, atMs: segment.fromMs, atRangeStart: before === undefined && segment.fromMs === context.input.startMs });
    before = segment.state;
  }
  return starts;
}

function latest(events: TimelineEvent[], atMs: number, match: (event: TimelineEvent) => boolean): TimelineEvent | undefined {
  return events.filter((event) => match(event) && event.atMs <= atMs && atMs - event.atMs <= CAUSE_WINDOW_MS).sort((a, b) => b.atMs - a.atMs)[0];
}

function explain(gap: GapStart, events: TimelineEvent[], context: Context, at: (ms: number) => string): Explanation {
  const { lane, atMs } = gap;
  const result = (text: string, ...used: (TimelineEvent | undefined)[]): Explanation => ({ laneId: lane.id, atMs, text, eventIds: used.filter((event): event is TimelineEvent => Boolean(event)).map((event) => event.id) });
  if (gap.atRangeStart) return result(`Already missing or wrong when the range begins (${at(atMs)}): it began earlier (widen the range to see when), and the node's findings tell why.`);
  // Gaps are placed at step resolution, events to the second: an event within the same step came "right" before.
  const after = (event: TimelineEvent) => (atMs - event.atMs < 1000 ? 'right after' : `${duration(atMs - event.atMs)} after`);
  const restartOf = (component: Component) => latest(events, atMs, (event) => event.kind === 'restart' && event.component === component);
  const runtimeSwitch = latest(events, atMs, (event) => event.kind === 'runtime-switch');

  if (lane.group === 'empty-labels') {
    const kubelet = restartOf('kubelet');
    const runtime = kubelet && events.find((event) => event.kind === 'restart' && event.component === 'runtime' && event.atMs > kubelet.atMs && event.atMs - kubelet.atMs <= CAUSE_WINDOW_MS);
    if (kubelet && runtime) {
      return result(
        `Empty image/name labels began ${after(kubelet)} the kubelet restarted at ${at(kubelet.atMs)}, while the runtime (${runtime.summary.replace(/ (re)?started$/, '')}) only started at ${at(runtime.atMs)}: cAdvisor registered no factory for it. Restarting the kubelet once the runtime is up restores them.`,
        kubelet,
        runtime,
      );
    }
    if (runtimeSwitch) return result(`Empty image/name labels began ${after(runtimeSwitch)} the ${runtimeSwitch.summary}: the kubelet's cAdvisor does not talk to the new runtime's socket yet.`, runtimeSwitch);
    if (kubelet) return result(`Empty image/name labels began ${after(kubelet)} the kubelet restarted at ${at(kubelet.atMs)}, with the runtime already up: the kubelet could not reach the runtime (check --container-runtime-endpoint).`, kubelet);
    return result(`Empty image/name labels began at ${at(atMs)}, with no kubelet or runtime restart in the ${duration(CAUSE_WINDOW_MS)} before.`);
  }

  if (lane.group === 'root-sized') {
    if (runtimeSwitch) {
      return result(
        `PV mounts began to report the root filesystem's size ${after(runtimeSwitch)} the ${runtimeSwitch.summary} at ${at(runtimeSwitch.atMs)}: without mountPropagation: HostToContainer on node_exporter's host mount, PV mounts made after it started are not seen (Docker's mount setup used to hide this).`,
        runtimeSwitch,
      );
    }
    const exporter = restartOf('node-exporter');
    if (exporter) return result(`PV mounts began to report the root filesystem's size ${after(exporter)} node-exporter restarted at ${at(exporter.atMs)}: check its host mount's propagation.`, exporter);
    return result(`PV mounts report the root filesystem's size since ${at(atMs)}, with no runtime switch or node-exporter restart before it.`);
  }

  if (lane.group === 'device-errors') {
    const exporter = restartOf('node-exporter');
    if (exporter) {
      return result(`Device errors began ${after(exporter)} node-exporter restarted at ${at(exporter.atMs)}: running as another user (such as uid 65534) or with other mounts, it can no longer stat the mountpoint.`, exporter);
    }
    return result(`Device errors began at ${at(atMs)} with no node-exporter restart before them: a stuck network mount, or a mountpoint that was removed.`);
  }

  if (lane.group === 'target-health') {
    const role = lane.id.split(':')[1] as Role;
    const restart = restartOf(role === 'node-exporter' ? 'node-exporter' : 'kubelet');
    const upgrade = latest(events, atMs, (event) => event.kind === 'version-change' && event.component === 'kubelet');
    if (restart) {
      return result(
        `The ${lane.title} went down ${after(restart)} ${restart.summary.replace(/ restarted$/, '')} restarted at ${at(restart.atMs)}${upgrade ? ` (${upgrade.summary})` : ''}: a restart with other flags (authentication webhook, authorization, port, TLS) is the usual cause; the target's last error tells which.`,
        restart,
        upgrade,
      );
    }
    return result(
      `The ${lane.title} went down at ${at(atMs)}, with no restart or version change seen on the node before it (a restart that broke the scrape itself cannot be seen from Prometheus): the target's authentication or the scrape side changed (token, relabelling, port, network policy); its last error tells which.`,
    );
  }

  // pvc-stats
  const claim = lane.id.slice('pvc:'.length);
  const pods = new Set(context.input.claimsOnNode.filter((use) => use.claim === claim).map((use) => use.pod));
  const arrival = latest(events, atMs, (event) => event.kind === 'pod-move' && pods.has(event.component) && event.summary.endsWith(` to ${context.input.node}`));
  const index = Math.round((atMs - context.input.startMs) / context.input.stepMs);
  const kubeletDown = context.roleUp.kubelet[index] === false;
  if (arrival) {
    return result(`Stats for ${claim} are missing since ${arrival.summary} at ${at(arrival.atMs)}${kubeletDown ? ", and this node's kubelet target is down: nothing from this kubelet is stored" : ''}.`, arrival);
  }
  if (kubeletDown) return result(`Stats for ${claim} are missing from ${at(atMs)}, while this node's kubelet target is down: nothing from this kubelet is stored.`);
  const kubelet = restartOf('kubelet');
  if (kubelet) return result(`Stats for ${claim} stopped ${after(kubelet)} the kubelet restarted at ${at(kubelet.atMs)}: compare its version and --volume-stats-agg-period before and after.`, kubelet);
  return result(`Stats for ${claim} are missing from ${at(atMs)} while a pod on this node uses it: the node's findings tell why (plugin, CSI capability, collector).`);
}

/** A claim's stats that end because its pod moved away are not a gap: say where they went. */
function departures(lane: Lane, events: TimelineEvent[], context: Context, at: (ms: number) => string): Explanation[] {
  if (lane.group !== 'pvc-stats') return [];
  const claim = lane.id.slice('pvc:'.length);
  const pods = new Set(context.input.claimsOnNode.filter((use) => use.claim === claim).map((use) => use.pod));
  const explanations: Explanation[] = [];
  lane.segments.forEach((segment, index) => {
    if (segment.state !== 'not-expected' || lane.segments[index - 1]?.state !== 'ok') return;
    // Prometheus keeps returning a series for up to 5 minutes after its last sample (the lookback delta).
    const move = events.find(
      (event) => event.kind === 'pod-move' && pods.has(event.component) && event.summary.includes(`from ${context.input.node} to `) && event.atMs <= segment.fromMs && segment.fromMs - event.atMs <= LOOKBACK_MS + 2 * context.input.stepMs,
    );
    if (move) {
      explanations.push({ laneId: lane.id, atMs: segment.fromMs, eventIds: [move.id], text: `Stats for ${claim} stop here at ${at(move.atMs)}: ${move.summary}. They now come from that node's kubelet; nothing is missing.` });
    }
  });
  return explanations;
}

function prometheusGapEvents(context: Context): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let from: number | undefined;
  context.times.forEach((time, index) => {
    if (context.prometheusGap[index]) from ??= time;
    if (from !== undefined && (!context.prometheusGap[index] || index === context.times.length - 1)) {
      const until = context.prometheusGap[index] ? context.input.endMs : time;
      events.push({ id: `prometheus-gap:${from}`, atMs: from, untilMs: until, kind: 'prometheus-gap', component: 'prometheus', summary: `Prometheus stored nothing for ${duration(until - from)}` });
      from = undefined;
    }
  });
  return events;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const times = stepsOf(input);
  const context = contextOf(input, times);
  const lanes = [
    ...targetLanes(context),
    countLane(context, 'empty-labels', 'empty-labels', 'cAdvisor container series with empty image/name (count)', input.emptyLabelContainers, 'cadvisor'),
    ...claimLanes(context),
    countLane(context, 'root-sized', 'root-sized', 'PV mounts reporting the root filesystem size (count)', input.rootSizedMounts, 'node-exporter'),
    countLane(context, 'device-errors', 'device-errors', 'filesystems with device errors (count)', input.deviceErrors, 'node-exporter'),
  ].filter((entry): entry is Lane => entry !== null);
  const gaps = prometheusGapEvents(context);
  const events = [...restartEvents(input), ...nodeInfoEvents(input, times), ...podMoveEvents(input, times), ...gaps].sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id));
  const withDate = input.endMs - input.startMs > 86_400_000;
  const at = (ms: number) => clock(ms, withDate);
  const explanations = [
    ...lanes.flatMap((entry) => [...gapStarts(entry, context).map((gap) => explain(gap, events, context, at)), ...departures(entry, events, context, at)]),
    ...gaps
      .filter((gap) => gap.untilMs! - gap.atMs < input.endMs - input.startMs)
      .map((gap) => ({
        laneId: 'prometheus',
        atMs: gap.atMs,
        eventIds: [gap.id],
        text: `Prometheus stored nothing for this node or for itself from ${at(gap.atMs)} to ${at(gap.untilMs!)} (${duration(gap.untilMs! - gap.atMs)}): Prometheus was down or not scraping. The lanes show no data there, not a gap in the node's series.`,
      })),
  ].sort((a, b) => a.atMs - b.atMs);
  return { node: input.node, startMs: input.startMs, endMs: input.endMs, stepMs: input.stepMs, lanes, events, explanations };
}
