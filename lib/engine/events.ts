import type { EventComponent, TimelineEvent } from '@/lib/contract/timeline';
import { runtimeUnitIn } from '@/lib/families/cadvisor-labels/causes';
import type { CadvisorSource } from '@/lib/families/types';
import { currentAt, type StepGrid, type StepSeries } from './steps';

/**
 * What changed on a node over a range, as structured events: process (re)starts, version changes and
 * runtime switches, pod moves, Prometheus' own restarts and gaps, and where kube-state-metrics' history
 * begins. PURE. Code reads the fields; `summary` is for people.
 */

export interface StartSeries {
  component: Extract<EventComponent, 'kubelet' | 'runtime' | 'node-exporter' | 'prometheus'>;
  process: string;
  /** Values: the process's start time in epoch seconds, per step. */
  series: StepSeries;
}

export function restartEvents(starts: readonly StartSeries[], grid: StepGrid): TimelineEvent[] {
  const events = new Map<string, TimelineEvent>();
  for (const { component, process, series } of starts) {
    let previous: number | undefined;
    for (const seconds of series.values) {
      if (seconds === undefined) continue;
      const atMs = Math.round(seconds * 1000);
      if (atMs === previous) continue;
      const firstStart = previous === undefined;
      previous = atMs;
      if (atMs < grid.startMs || atMs > grid.endMs) continue;
      const kind = component === 'prometheus' ? 'prometheus-restart' : 'restart';
      const id = `${kind}:${component}:${Math.round(atMs / 1000)}`;
      // A runtime seen starting for the first time started; anything else seen starting restarted.
      const verb = firstStart && component === 'runtime' ? 'started' : 'restarted';
      events.set(id, { id, atMs, kind, component, process, ...(firstStart ? { firstStart } : {}), summary: `${process} ${verb}` });
    }
  }
  return [...events.values()];
}

/**
 * The kubelet's and the runtime's last starts as the kubelet's cAdvisor tells them now, where history has no
 * restart of that component within two seconds of it: a scrape job that drops the systemd units' series
 * (kube-prometheus-stack's cAdvisorMetricRelabelings) stores none.
 */
export function sourceStartEvents(source: CadvisorSource | undefined, stored: readonly TimelineEvent[], grid: StepGrid): TimelineEvent[] {
  if (!source) return [];
  const { units, summary } = source;
  const runtimeUnit = runtimeUnitIn(units);
  // The systemd units' series first; /stats/summary's system containers where cAdvisor has no such unit.
  const kubeletAt = units.kubelet?.startedAt ?? summary?.kubeletStartedAt;
  const runtimeAt = runtimeUnit ? units[runtimeUnit]!.startedAt : summary?.runtimeStartedAt;
  const read = [
    ...(kubeletAt !== undefined ? [{ component: 'kubelet' as const, process: 'kubelet', atMs: kubeletAt }] : []),
    ...(runtimeAt !== undefined ? [{ component: 'runtime' as const, process: runtimeUnit ?? 'container runtime', atMs: runtimeAt }] : []),
  ];
  return read
    .filter(({ component, atMs }) => atMs >= grid.startMs && atMs <= grid.endMs && !stored.some((event) => event.kind === 'restart' && event.component === component && Math.abs(event.atMs - atMs) < 2_000))
    .map(({ component, process, atMs }) => ({ id: `restart:${component}:${Math.round(atMs / 1000)}`, atMs, kind: 'restart' as const, component, process, layer: 'source' as const, summary: `${process} started (read from the kubelet: not stored)` }));
}

const runtimeName = (version: string) => version.split('://')[0] ?? version;

/** Kubelet upgrades, from the kubelet's version at each step (undefined: not known there). */
export function kubeletVersionEvents(versions: readonly (string | undefined)[], grid: StepGrid): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let current: string | undefined;
  grid.times.forEach((time, index) => {
    const version = versions[index];
    if (!version) return;
    if (current && current !== version) {
      events.push({ id: `version-change:kubelet:${time}`, atMs: time, kind: 'version-change', component: 'kubelet', fromVersion: current, toVersion: version, summary: `kubelet ${current} → ${version}` });
    }
    current = version;
  });
  return events;
}

/** Runtime upgrades and switches, from kube_node_info's labels at each step. */
export function runtimeEvents(nodeInfo: readonly StepSeries[], grid: StepGrid): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let current: Record<string, string> | undefined;
  grid.times.forEach((time, index) => {
    const labels = currentAt(nodeInfo, index)?.labels;
    if (!labels) return;
    if (current) {
      const [runtimeBefore, runtimeAfter] = [current.container_runtime_version ?? '', labels.container_runtime_version ?? ''];
      if (runtimeBefore !== runtimeAfter) {
        const switched = runtimeName(runtimeBefore) !== runtimeName(runtimeAfter);
        events.push({
          id: `${switched ? 'runtime-switch' : 'version-change'}:runtime:${time}`,
          atMs: time,
          kind: switched ? 'runtime-switch' : 'version-change',
          component: 'runtime',
          fromVersion: runtimeBefore,
          toVersion: runtimeAfter,
          summary: `${switched ? 'runtime switched' : 'runtime upgraded'}: ${runtimeBefore} → ${runtimeAfter}`,
        });
      }
    }
    current = labels;
  });
  return events;
}

/** Pods that moved onto or off the node (kube_pod_info of every pod that was on it during the range). */
export function podMoveEvents(pods: readonly StepSeries[], node: string, grid: StepGrid): TimelineEvent[] {
  const byPod = new Map<string, StepSeries[]>();
  for (const series of pods) {
    const key = `${series.labels.namespace ?? ''}/${series.labels.pod ?? ''}`;
    byPod.set(key, [...(byPod.get(key) ?? []), series]);
  }
  const events: TimelineEvent[] = [];
  for (const [pod, entries] of byPod) {
    let lastNode: string | undefined;
    grid.times.forEach((time, index) => {
      const current = entries.find((entry) => entry.values[index] !== undefined)?.labels.node;
      if (!current) return;
      if (lastNode && current !== lastNode && (current === node || lastNode === node)) {
        events.push({ id: `pod-move:${pod}:${time}`, atMs: time, kind: 'pod-move', component: 'pod', pod, fromNode: lastNode, toNode: current, summary: `${pod} moved from ${lastNode} to ${current}` });
      }
      lastNode = current;
    });
  }
  return events;
}

export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** Runs of steps where Prometheus stored nothing at all, for the node or for itself. */
export function prometheusGapEvents(gap: readonly boolean[], grid: StepGrid): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let from: number | undefined;
  grid.times.forEach((time, index) => {
    if (gap[index]) from ??= time;
    if (from !== undefined && (!gap[index] || index === grid.times.length - 1)) {
      const until = gap[index] ? grid.endMs : time;
      events.push({ id: `prometheus-gap:${from}`, atMs: from, untilMs: until, kind: 'prometheus-gap', component: 'prometheus', summary: `Prometheus stored nothing for ${duration(until - from)}` });
      from = undefined;
    }
  });
  return events;
}
