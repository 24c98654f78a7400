import type { NodeTimeline } from '@/lib/contract/timeline';
import { KeyEventLine } from './key-event-line';
import { TimelinePanel } from './timeline-panel';

/**
 * The timeline's first paint, computed on the server and streamed when ready (pages wrap this in Suspense,
 * after their findings: run beside them, its range queries slowed the findings, the page's largest paint);
 * the client panel then keeps it current with react-query. `timeline`: the node's timeline being computed
 * (one computation for the panel and the summary's key event); `focusLane`: the focused finding's lane.
 */
export async function TimelineSection({ timeline, focusLane }: { timeline: Promise<NodeTimeline>; focusLane?: string }) {
  return <TimelinePanel initial={await timeline} focusLane={focusLane} />;
}

/** The summary's line on the event that explains most of the node's gaps, streamed with the timeline. */
export async function KeyEventSection({ timeline }: { timeline: Promise<NodeTimeline> }) {
  return <KeyEventLine initial={await timeline} />;
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
