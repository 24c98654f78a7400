import type { Segment, SegmentState, Timeline } from '@/lib/contract/timeline';

/** What each lane state means, in the legend and the lane list. */
export const STATE_WORDS: Record<SegmentState, string> = { ok: 'ok', gap: 'gap (a fault)', 'by-design': 'absent by design', 'no-data': 'no data', 'not-expected': 'not expected here' };

/** Each lane's state at the end of the range: what the node's findings describe. */
export function endStates(timeline: Timeline): { id: string; title: string; state: SegmentState; cause?: string }[] {
  return timeline.lanes.map((lane) => {
    const last = lane.segments.at(-1);
    return { id: lane.id, title: lane.title, state: last?.state ?? 'no-data', ...(last?.cause ? { cause: last.cause } : {}) };
  });
}

/**
 * A timeline shaped for a horizontal stacked bar chart: one row per lane, the lane's segments as
 * consecutive stacked pieces (s0, s1, ...) measured in ms from the range start, and the state of each piece
 * for its colour. PURE, so the chart component only renders.
 */

export interface ChartRow {
  laneId: string;
  title: string;
  [piece: `s${number}`]: number;
}

export interface ChartData {
  rows: ChartRow[];
  /** The piece keys every row may have, in stacking order. */
  pieces: `s${number}`[];
  /** states[row][piece]: the state colouring that piece (undefined: the row has fewer pieces). */
  states: (Segment['state'] | undefined)[][];
  /** Event markers, in ms from the range start; `short`: the few words drawn at the marker. */
  markers: { id: string; x: number; label: string; short: string; kind: string }[];
  domain: [number, number];
}

/** A version without its patch and build: "v1.33.5+k3s1" -> "v1.33", "containerd://1.7.27" -> "containerd 1.7". */
function shortVersion(version: string | undefined): string {
  if (!version) return '?';
  const [, name, numbers] = /^(?:([a-z-]+):\/\/)?v?(\d+\.\d+)/.exec(version) ?? [];
  if (!numbers) return version.slice(0, 16);
  return name ? `${name} ${numbers}` : `v${numbers}`;
}

/** What a marker says on the chart in a few words: "kubelet restart", "containerd start", "v1.33 → v1.34". */
export function markerWords(event: Timeline['events'][number]): string {
  switch (event.kind) {
    case 'restart':
      return `${event.process ?? event.component} ${event.firstStart ? 'start' : 'restart'}`;
    case 'version-change':
    case 'runtime-switch':
      return `${shortVersion(event.fromVersion)} → ${shortVersion(event.toVersion)}`;
    case 'pod-move':
      return 'pod moved';
    case 'prometheus-restart':
      return 'Prometheus restart';
    case 'prometheus-gap':
      return 'Prometheus gap';
    case 'history-start':
      return 'history starts';
  }
}

/** Lanes with more segments than this are merged to keep the chart readable (and its DOM small). */
export const MAX_PIECES = 120;

function mergeTiny(segments: Segment[], minMs: number): Segment[] {
  if (segments.length <= MAX_PIECES) return segments;
  // A flapping lane: fold pieces shorter than minMs into the previous piece, worst state winning.
  const rank = { gap: 4, 'by-design': 3, 'no-data': 2, 'not-expected': 1, ok: 0 } as const;
  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && (segment.toMs - segment.fromMs < minMs || last.state === segment.state)) {
      last.toMs = segment.toMs;
      if (rank[segment.state] > rank[last.state]) last.state = segment.state;
    } else merged.push({ ...segment });
  }
  return merged.slice(0, MAX_PIECES);
}

export function chartData(timeline: Timeline): ChartData {
  const span = timeline.endMs - timeline.startMs;
  const lanes = timeline.lanes.map((lane) => mergeTiny(lane.segments, span / MAX_PIECES));
  const width = Math.max(0, ...lanes.map((segments) => segments.length));
  const pieces = Array.from({ length: width }, (_, index) => `s${index}` as const);
  const rows = timeline.lanes.map((lane, index) => {
    const row: ChartRow = { laneId: lane.id, title: lane.title };
    lanes[index]!.forEach((segment, piece) => {
      row[`s${piece}`] = segment.toMs - segment.fromMs;
    });
    return row;
  });
  return {
    rows,
    pieces,
    states: lanes.map((segments) => pieces.map((_, piece) => segments[piece]?.state)),
    markers: timeline.events.map((event) => ({ id: event.id, x: event.atMs - timeline.startMs, label: event.summary, short: markerWords(event), kind: event.kind })),
    domain: [0, span],
  };
}
