/**
 * The step grid shared by the timeline's range queries and its lanes. PURE.
 *
 * A findings request is the grid's one-step case: the same PromQL asked at one instant. The grid ends exactly
 * at the range's end, so the last step of every lane is evaluated at the instant the node's findings describe.
 */

/** A series on the grid: its value at each step, undefined where Prometheus returned none. */
export interface StepSeries {
  labels: Record<string, string>;
  values: (number | undefined)[];
}

export interface StepGrid {
  /** The first step, at or after the range's start. */
  startMs: number;
  endMs: number;
  stepMs: number;
  times: number[];
}

/** About 360 steps per range, on a multiple of 15 s: enough to place a restart within a step, cheap to ask. */
export function stepFor(range: { startMs: number; endMs: number }): number {
  return Math.max(15_000, Math.ceil((range.endMs - range.startMs) / 360 / 15_000) * 15_000);
}

/** Steps from the range's end backwards, so that the last one is the end itself. */
export function gridOf(range: { startMs: number; endMs: number }, stepMs: number): StepGrid {
  const count = Math.floor((range.endMs - range.startMs) / stepMs) + 1;
  const startMs = range.endMs - (count - 1) * stepMs;
  return { startMs, endMs: range.endMs, stepMs, times: Array.from({ length: count }, (_, index) => startMs + index * stepMs) };
}

/**
 * The series current at a step, among several that carry one fact in their labels (kube_node_info's
 * versions, kubernetes_build_info): the one that appeared last. Right after a change Prometheus still returns
 * the old series for its lookback window, so "the first one present" would report the change minutes late.
 */
export function currentAt(series: readonly StepSeries[], step: number): StepSeries | undefined {
  let current: StepSeries | undefined;
  let currentSince = -1;
  for (const entry of series) {
    if (entry.values[step] === undefined) continue;
    let since = step;
    while (since > 0 && entry.values[since - 1] !== undefined) since--;
    if (since > currentSince) [current, currentSince] = [entry, since];
  }
  return current;
}

/** The one-step grid of an instant. */
export const instantGrid = (atMs: number): StepGrid => ({ startMs: atMs, endMs: atMs, stepMs: 0, times: [atMs] });

/** Range points ([epoch ms, value]) on the grid; Prometheus returns them on start + k*step. */
export function onGrid(points: readonly (readonly [number, number])[], grid: StepGrid): (number | undefined)[] {
  const values = new Array<number | undefined>(grid.times.length).fill(undefined);
  if (grid.stepMs === 0) {
    if (points[0]) values[0] = points[0][1];
    return values;
  }
  for (const [time, value] of points) {
    const index = Math.round((time - grid.startMs) / grid.stepMs);
    if (index >= 0 && index < values.length) values[index] = value;
  }
  return values;
}
