import Link from 'next/link';
import type { ResolvedRange } from '@/lib/time-range';
import type { StandardDashboard } from '@/lib/server/dashboards';

/** "Check the standard dashboards for this node": each configured dashboard's panels explained for the node. */
export function DashboardLinks({ node, cluster, range, dashboards }: { node: string; cluster?: string; range: Pick<ResolvedRange, 'from' | 'to'>; dashboards: StandardDashboard[] | null }) {
  const at = { node, ...(cluster ? { cluster } : {}), from: range.from, to: range.to };
  const usable = (dashboards ?? []).filter((dashboard) => !dashboard.error);
  return (
    <section className="panel" aria-labelledby="dashboards-heading" data-testid="dashboard-links">
      <h2 id="dashboards-heading">Check the standard dashboards for this node</h2>
      {usable.length > 0 ? (
        <ul>
          {usable.map((dashboard) => (
            <li key={dashboard.id}>
              <Link href={`/explain?${new URLSearchParams({ dashboard: dashboard.id, ...at })}`}>{dashboard.title}</Link> <span className="muted">({dashboard.queries} queries)</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No dashboards configured (GAPSCOPE_DASHBOARDS_DIR): upload one on the explain page.</p>
      )}
      <p>
        <Link href={`/explain?${new URLSearchParams(at)}`} data-testid="explain-link">
          Explain a query or a dashboard for {node}
        </Link>
      </p>
    </section>
  );
}
