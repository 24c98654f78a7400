import { appOptions, prometheus } from '@/lib/investigation/prometheus';
import { investigateTimeline, type NodeTimeline } from '@/lib/investigation/timeline';
import type { ResolvedRange } from '@/lib/time-range';
import { TimelinePanel } from './timeline-panel';

/**
 * Starts the timeline's queries at once, so that a page can run them beside its findings and hand the
 * promise to TimelineSection inside Suspense.
 */
export function startTimeline(node: string, range: ResolvedRange, now: number): Promise<NodeTimeline> {
  const timeline = investigateTimeline(prometheus(), node, range, { now, ...appOptions() });
  // TimelineSection awaits it (an error there reaches the error boundary); a page that ends early, such
  // as not-found, must not leave it rejected and unhandled.
  timeline.catch(() => undefined);
  return timeline;
}

/**
 * The timeline's first paint, computed on the server and streamed when ready (the page wraps this in
 * Suspense); the client panel then keeps it current with react-query.
 */
export async function TimelineSection({ timeline, range }: { timeline: Promise<NodeTimeline>; range: ResolvedRange }) {
  const initial = await timeline;
  return <TimelinePanel node={initial.node} from={range.from} to={range.to} initial={initial} />;
}

export function TimelineLoading() {
  return (
    <section aria-busy="true" aria-label="Timeline" data-testid="timeline-loading">
      <h2>Timeline</h2>
      <p className="muted">Reading the range from Prometheus…</p>
      <div className="skeleton" />
      <div className="skeleton" />
    </section>
  );
}
