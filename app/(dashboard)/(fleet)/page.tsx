import { ClusterFindings } from '@/components/fleet/cluster-findings';
import { FleetMatrix } from '@/components/fleet/fleet-matrix';
import { MatrixFilters } from '@/components/fleet/matrix-filters';
import { SourcePanel } from '@/components/source-panel';
import { buildMatrix, matrixStateSchema } from '@/lib/engine/matrix';
import { gapscope } from '@/lib/server/gapscope';

// Target health is live data: render on every request (the snapshot itself is shared for a scrape interval).
export const dynamic = 'force-dynamic';

export default async function FleetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = matrixStateSchema.parse(await searchParams);
  const fleet = await gapscope().fleet();
  return (
    <>
      <h1>Fleet</h1>
      <SourcePanel sources={fleet.sources} />
      {fleet.nodes === null ? (
        <p data-testid="fleet-unavailable">The node list is unavailable until Prometheus answers the kube_node_info query (see above).</p>
      ) : fleet.nodes.length === 0 ? (
        <p data-testid="fleet-empty">No nodes: Prometheus has no kube_node_info series. Check that kube-state-metrics is scraped.</p>
      ) : (
        <>
          <MatrixFilters state={state} />
          <p className="muted" data-testid="fleet-generated">
            Findings as of {fleet.generatedAt.replace('T', ' ').slice(0, 19)} UTC, shared by every viewer for one scrape interval. Every cell
            comes from the stored layer (Prometheus) alone; a node&apos;s page reads its kubelet to confirm at the source.
          </p>
          <FleetMatrix matrix={buildMatrix(fleet.nodes, state)} state={state} nodeHref={(node) => `/nodes/${encodeURIComponent(node)}`} />
          <ClusterFindings findings={fleet.clusterFindings} />
        </>
      )}
    </>
  );
}
