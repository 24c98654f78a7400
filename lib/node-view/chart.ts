import type { Finding } from '@/lib/contract/finding';
import type { Segment, SegmentState, Timeline, TimelineEvent } from '@/lib/contract/timeline';

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
  /**
   * Event markers, in ms from the range start; `short`: the few words drawn at the marker; `row`: the line
   * its words are drawn on above the chart (markers close together take different lines, so that their words
   * never overlap); `anchor`: words after the marker, or before it in the range's last third.
   */
  markers: { id: string; x: number; label: string; short: string; kind: string; row: number; anchor: 'start' | 'end' }[];
  /** How many lines of marker words there are above the chart. */
  markerRows: number;
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
export function markerWords(event: TimelineEvent): string {
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

/** A time on the chart and in sentences: the clock, with the day when the range spans more than one. */
export function clockLabel(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

/** An event's id as an HTML id attribute: the events list carries it, markers and the summary link to it. */
export const eventAnchor = (event: Pick<TimelineEvent, 'id'>) => `event-${event.id.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;

/** The timeline lane of a finding: the same family and subject (lib/contract/timeline.ts). */
export const laneIdOf = (finding: Pick<Finding, 'family' | 'subject'>) => `${finding.family}:${finding.subject}`;

export interface KeyEvent {
  event: TimelineEvent;
  /** Lanes in a gap at the end of the range that this event explains, and all lanes in a gap. */
  explains: number;
  gaps: number;
}

/**
 * The one event that explains most of the node's present gaps: each lane in a gap at the end of the range
 * counts the events named by the explanation of its latest change. The event named most wins; on a tie, the
 * one more often named first (families name the main cause first: the kubelet's restart before the runtime's
 * start it raced), then the later one (the nearer cause). Null when no lane is in a gap or no event explains one.
 */
export function keyEvent(timeline: Timeline): KeyEvent | null {
  const gapLanes = endStates(timeline).filter((lane) => lane.state === 'gap');
  const named = new Map<string, { times: number; first: number }>();
  for (const lane of gapLanes) {
    const latest = timeline.explanations.filter((explanation) => explanation.laneId === lane.id).at(-1);
    [...new Set(latest?.eventIds ?? [])].forEach((id, position) => {
      const count = named.get(id) ?? { times: 0, first: 0 };
      named.set(id, { times: count.times + 1, first: count.first + (position === 0 ? 1 : 0) });
    });
  }
  const ranked = timeline.events
    .filter((event) => named.has(event.id))
    .map((event) => ({ event, ...named.get(event.id)! }))
    .sort((a, b) => b.times - a.times || b.first - a.first || b.event.atMs - a.event.atMs);
  const best = ranked[0];
  return best ? { event: best.event, explains: best.times, gaps: gapLanes.length } : null;
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

/** Markers nearer than this share of the range would overlap their words on one line. */
const MARKER_ROOM = 0.14;
const MAX_MARKER_ROWS = 4;

/** Each marker's line: the first whose last marker is far enough away (the events are in time order). */
function markerRowsOf(xs: readonly number[], span: number): number[] {
  const lastOnRow: number[] = [];
  return xs.map((x, index) => {
    let row = lastOnRow.findIndex((last) => x - last >= MARKER_ROOM * span);
    if (row === -1) row = lastOnRow.length < MAX_MARKER_ROWS ? lastOnRow.length : index % MAX_MARKER_ROWS;
    lastOnRow[row] = x;
    return row;
  });
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
  const markerLines = markerRowsOf(timeline.events.map((event) => event.atMs - timeline.startMs), span);
  return {
    rows,
    pieces,
    states: lanes.map((segments) => pieces.map((_, piece) => segments[piece]?.state)),
    markers: timeline.events.map((event, index) => ({
      id: event.id,
      x: event.atMs - timeline.startMs,
      label: event.summary,
      short: markerWords(event),
      kind: event.kind,
      row: markerLines[index]!,
      anchor: event.atMs - timeline.startMs > (span * 2) / 3 ? 'end' : 'start',
    })),
    markerRows: Math.max(1, ...markerLines.map((row) => row + 1)),
    domain: [0, span],
  };
}
