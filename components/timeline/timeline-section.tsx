import type { Gapscope } from '@/lib/server/gapscope';
import type { ResolvedRange } from '@/lib/time-range';
import { TimelinePanel } from './timeline-panel';

/**
 * The timeline's first paint, computed on the server and streamed when ready (pages wrap this in Suspense,
 * after their findings: run beside them, its range queries slowed the findings, the page's largest paint);
 * the client panel then keeps it current with react-query. `gapscope`: the facade of the node's cluster.
 */
export async function TimelineSection({ gapscope, node, range, now }: { gapscope: Gapscope; node: string; range: ResolvedRange; now: number }) {
  const initial = await gapscope.timeline(node, range, now);
  return <TimelinePanel node={node} from={range.from} to={range.to} initial={initial} />;
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
