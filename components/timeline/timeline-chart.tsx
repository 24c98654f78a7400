'use client';

import { Bar, BarChart, Cell, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { SegmentState, Timeline } from '@/lib/contract/timeline';
import { chartData, STATE_WORDS } from '@/lib/node-view/chart';

/** Mid-tone colours that read on the light and the dark theme alike. */
const STATE_COLOURS: Record<SegmentState, string> = { ok: '#2da44e', gap: '#e5534b', 'by-design': '#6e7eb8', 'no-data': '#8c959f', 'not-expected': 'rgba(140, 149, 159, 0.25)' };
const MARKER_COLOURS: Record<string, string> = { restart: '#d29922', 'version-change': '#8957e5', 'runtime-switch': '#8957e5', 'pod-move': '#1f6feb', 'prometheus-restart': '#8c959f', 'prometheus-gap': '#8c959f' };

function clockTick(startMs: number, spanMs: number) {
  return (offset: number) => {
    const iso = new Date(startMs + offset).toISOString();
    return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
  };
}

/** Lanes as stacked horizontal bars, events as numbered vertical markers with a few words each (listed below the chart under the same numbers). */
export function TimelineChart({ timeline }: { timeline: Timeline }) {
  const data = chartData(timeline);
  const span = data.domain[1];
  return (
    <div className="timeline-chart" role="img" aria-label={`Timeline of ${timeline.node}: ${timeline.lanes.length} lanes, ${timeline.events.length} events; the same facts are listed below.`}>
      <ResponsiveContainer width="100%" height={data.rows.length * 30 + 50}>
        <BarChart data={data.rows} layout="vertical" margin={{ top: 16, right: 16, bottom: 0, left: 8 }} barCategoryGap={4}>
          <XAxis type="number" dataKey="s0" domain={data.domain} tickFormatter={clockTick(timeline.startMs, span)} allowDataOverflow tickCount={7} fontSize={11} />
          <YAxis type="category" dataKey="title" width={290} fontSize={11} interval={0} />
          {data.pieces.map((piece, pieceIndex) => (
            <Bar key={piece} dataKey={piece} stackId="lane" isAnimationActive={false}>
              {data.rows.map((row, rowIndex) => (
                <Cell key={row.laneId} fill={STATE_COLOURS[data.states[rowIndex]![pieceIndex] ?? 'not-expected']} />
              ))}
            </Bar>
          ))}
          {data.markers.map((marker, index) => (
            <ReferenceLine key={marker.id} x={marker.x} stroke={MARKER_COLOURS[marker.kind] ?? '#8c959f'} strokeDasharray="3 2" label={{ value: `${index + 1} ${marker.short}`, position: 'insideTopLeft', fontSize: 10, fill: MARKER_COLOURS[marker.kind] ?? '#8c959f' }} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <p className="legend muted">
        {(Object.keys(STATE_COLOURS) as SegmentState[]).map((state) => (
          <span key={state} data-testid="legend-state" data-state={state}>
            <span className="swatch" style={{ background: STATE_COLOURS[state] }} /> {STATE_WORDS[state]}
          </span>
        ))}
      </p>
    </div>
  );
}
