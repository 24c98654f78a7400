'use client';

import { SourcePanel } from '@/components/source-panel';
import type { NodeTimeline } from '@/lib/contract/timeline';
import { endStates, eventAnchor, STATE_WORDS } from '@/lib/node-view/chart';
import dynamic from 'next/dynamic';
import { useNodeTimeline } from './use-node-timeline';

// recharts is the page's largest script: load it after the findings have painted, not before. The facts it
// draws are also listed as text below it, which the server renders.
const TimelineChart = dynamic(() => import('./timeline-chart').then((module) => module.TimelineChart), {
  ssr: false,
  loading: () => <div className="skeleton chart-placeholder" aria-hidden="true" />,
});

const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * The node's timeline: first painted from the server's answer, then kept current by react-query while the
 * range is relative. A failed refresh keeps the last timeline on screen and says so. `focusLane`: the lane
 * of the finding a shared link points at, highlighted in the chart and the lane list.
 */
export function TimelinePanel({ initial, focusLane }: { initial: NodeTimeline; focusLane?: string }) {
  const query = useNodeTimeline(initial);
  const { node } = initial;
  const { timeline, sources } = query.data;
  const lanes = timeline ? endStates(timeline) : [];
  const focused = lanes.find((lane) => lane.id === focusLane);
  return (
    <section aria-label="Timeline" className="timeline" data-testid="timeline">
      <h2>
        Timeline <span className="muted">{query.isFetching ? '(updating…)' : ''}</span>
      </h2>
      {query.isError ? (
        <p role="alert" className="panel failed" data-testid="timeline-refresh-error">
          Could not refresh the timeline: {query.error.message}. Showing the last answer, from {at(Date.parse(query.data.generatedAt))}.
        </p>
      ) : null}
      {timeline === null ? (
        <>
          <p data-testid="timeline-unavailable">
            {query.data.found === false
              ? `No timeline: ${node} is not in the inventory (no kube_node_info series names it).`
              : query.data.found === null
                ? 'Evidence unavailable: the inventory could not be read (see its sources).'
                : 'Evidence unavailable: the timeline needs the target health range query, which failed (see its sources).'}
          </p>
          <SourcePanel sources={sources} label="Sources of the timeline" />
        </>
      ) : (
        <>
          <p className="muted">
            {at(timeline.startMs)} to {at(timeline.endMs)}, one step every {timeline.stepMs / 1000} s.
          </p>
          {focused ? (
            <p className="focused-lane" data-testid="focused-lane" data-lane={focused.id}>
              Focused: <strong>{focused.title}</strong>, {STATE_WORDS[focused.state]}
              {focused.cause ? ` (${focused.cause})` : ''} at the end of the range; highlighted below.
            </p>
          ) : null}
          <TimelineChart timeline={timeline} focusLane={focused?.id} />
          {timeline.quietFamilies.length > 0 ? (
            <p className="muted" data-testid="quiet-families">
              Nothing to show in this range for: {timeline.quietFamilies.map((entry) => entry.title).join(', ')}.
            </p>
          ) : null}
          <details className="lane-states" open={focused ? true : undefined}>
            <summary>Lanes at the end of the range</summary>
            <ul>
              {lanes.map((lane) => (
                <li key={lane.id} data-testid="lane" data-lane={lane.id} data-state={lane.state} data-focused={lane.id === focused?.id} className={lane.id === focused?.id ? 'focused' : undefined}>
                  {lane.title}: {STATE_WORDS[lane.state]}
                  {lane.cause ? ` (${lane.cause})` : ''}
                </li>
              ))}
            </ul>
          </details>
          <h3>What explains each gap</h3>
          {timeline.explanations.length === 0 ? (
            <p data-testid="no-explanations">No lane turned into a gap in this range.</p>
          ) : (
            <ul className="explanations" data-testid="explanations">
              {timeline.explanations.map((explanation) => (
                <li key={`${explanation.laneId}@${explanation.atMs}`} data-testid="explanation" data-lane={explanation.laneId}>
                  <time dateTime={new Date(explanation.atMs).toISOString()}>{at(explanation.atMs)}</time> {explanation.text}
                </li>
              ))}
            </ul>
          )}
          <h3>Events</h3>
          {timeline.events.length === 0 ? (
            <p className="muted">No restart, version change, pod move or Prometheus gap in this range.</p>
          ) : (
            <ol className="events" data-testid="events">
              {timeline.events.map((event) => (
                <li key={event.id} id={eventAnchor(event)} data-testid="event" data-kind={event.kind} tabIndex={-1}>
                  <time dateTime={new Date(event.atMs).toISOString()}>{at(event.atMs)}</time> {event.summary}
                </li>
              ))}
            </ol>
          )}
          <SourcePanel sources={sources} label="Sources of the timeline" />
        </>
      )}
    </section>
  );
}
