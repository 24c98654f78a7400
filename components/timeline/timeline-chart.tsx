'use client';

import { Bar, BarChart, Cell, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { SegmentState, Timeline } from '@/lib/contract/timeline';
import { chartData, clockLabel, eventAnchor, STATE_WORDS } from '@/lib/node-view/chart';

/** Mid-tone colours that read on the light and the dark theme alike. */
const STATE_COLOURS: Record<SegmentState, string> = { ok: '#2da44e', gap: '#e5534b', 'by-design': '#6e7eb8', 'no-data': '#8c959f', 'not-expected': 'rgba(140, 149, 159, 0.25)' };
const MARKER_COLOURS: Record<string, string> = { restart: '#d29922', 'version-change': '#8957e5', 'runtime-switch': '#8957e5', 'pod-move': '#1f6feb', 'prometheus-restart': '#8c959f', 'prometheus-gap': '#8c959f' };

const TITLE_WIDTH = 290;

const MARKER_LINE = 12;

/** A marker's number and words above the chart, on its own line, a link to the event in the list below the chart. */
function MarkerLabel({ viewBox, text, href, colour, row, anchor }: { viewBox?: { x?: number; y?: number }; text: string; href: string; colour: string; row: number; anchor: 'start' | 'end' }) {
  return (
    <a href={href} className="marker-link" data-testid="marker-link">
      <text x={(viewBox?.x ?? 0) + (anchor === 'start' ? 3 : -3)} y={(viewBox?.y ?? 0) - 4 - row * MARKER_LINE} textAnchor={anchor} fontSize={10} fill={colour}>
        {text}
      </text>
    </a>
  );
}

/** A lane's title; the focused finding's lane stands out. */
function LaneTick({ x, y, payload, focusTitle }: { x?: number; y?: number; payload?: { value: string }; focusTitle?: string }) {
  const focused = payload?.value === focusTitle;
  return (
    <text x={x} y={y} dy={4} textAnchor="end" fontSize={11} fontWeight={focused ? 700 : 400} style={{ fill: focused ? 'var(--focus)' : 'var(--muted)' }} data-focused={focused || undefined}>
      {focused ? `▶ ${payload?.value}` : payload?.value}
    </text>
  );
}

/** Lanes as stacked horizontal bars, events as numbered vertical markers with a few words each, each a link to the event listed below the chart under the same number. */
export function TimelineChart({ timeline, focusLane }: { timeline: Timeline; focusLane?: string }) {
  const data = chartData(timeline);
  const span = data.domain[1];
  const focusTitle = data.rows.find((row) => row.laneId === focusLane)?.title;
  return (
    <div className="timeline-chart" role="figure" aria-label={`Timeline of ${timeline.node}: ${timeline.lanes.length} lanes, ${timeline.events.length} events; the same facts are listed below.`}>
      <ResponsiveContainer width="100%" height={data.rows.length * 30 + 38 + data.markerRows * MARKER_LINE}>
        <BarChart data={data.rows} layout="vertical" margin={{ top: 4 + data.markerRows * MARKER_LINE, right: 16, bottom: 0, left: 8 }} barCategoryGap={4}>
          <XAxis type="number" dataKey="s0" domain={data.domain} tickFormatter={(offset: number) => clockLabel(timeline.startMs + offset, span)} allowDataOverflow tickCount={7} fontSize={11} />
          <YAxis type="category" dataKey="title" width={TITLE_WIDTH} fontSize={11} interval={0} tick={<LaneTick focusTitle={focusTitle} />} />
          {data.pieces.map((piece, pieceIndex) => (
            <Bar key={piece} dataKey={piece} stackId="lane" isAnimationActive={false}>
              {data.rows.map((row, rowIndex) => (
                <Cell key={row.laneId} fill={STATE_COLOURS[data.states[rowIndex]![pieceIndex] ?? 'not-expected']} />
              ))}
            </Bar>
          ))}
          {data.markers.map((marker, index) => {
            const colour = MARKER_COLOURS[marker.kind] ?? '#8c959f';
            return <ReferenceLine key={marker.id} x={marker.x} stroke={colour} strokeDasharray="3 2" label={<MarkerLabel text={`${index + 1} ${marker.short}`} href={`#${eventAnchor(marker)}`} colour={colour} row={marker.row} anchor={marker.anchor} />} />;
          })}
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
