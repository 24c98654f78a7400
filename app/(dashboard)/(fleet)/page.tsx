import { ClusterFindings } from '@/components/fleet/cluster-findings';
import { ClusterPicker } from '@/components/fleet/cluster-picker';
import { ClustersTable } from '@/components/fleet/clusters-overview';
import { FleetMatrix } from '@/components/fleet/fleet-matrix';
import { MatrixFilters } from '@/components/fleet/matrix-filters';
import { SourcePanel } from '@/components/source-panel';
import { buildMatrix, matrixStateSchema } from '@/lib/engine/matrix';
import { clusters } from '@/lib/server/clusters';
import { clusterNames, pageChoice } from '@/lib/server/page-choice';
import { withCluster } from '@/lib/topology/cluster-name';

// Target health is live data: render on every request (the snapshot itself is shared for a scrape interval).
export const dynamic = 'force-dynamic';

export default async function FleetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = matrixStateSchema.parse(await searchParams);
  const choice = await pageChoice(state.cluster);
  if ('pick' in choice) {
    const overview = await clusters().overview();
    return (
      <>
        <h1>Clusters</h1>
        <ClusterPicker names={choice.pick} current={null} />
        <SourcePanel sources={overview.sources} />
        <ClustersTable overview={overview} />
      </>
    );
  }
  const { cluster } = choice;
  const [fleet, names] = await Promise.all([choice.gapscope.fleet(), cluster ? clusterNames() : []]);
  return (
    <>
      <h1>
        Fleet{cluster ? <> of <span data-testid="fleet-cluster">{cluster}</span></> : null}
      </h1>
      <ClusterPicker names={names} current={cluster} />
      <SourcePanel sources={fleet.sources} capabilities={choice.gapscope.capabilities()} />
      {fleet.nodes === null ? (
        <p data-testid="fleet-unavailable">The node list is unavailable until Prometheus answers the kube_node_info query (see above).</p>
      ) : fleet.nodes.length === 0 ? (
        <p data-testid="fleet-empty">No nodes: Prometheus has no kube_node_info series. Check that kube-state-metrics is scraped.</p>
      ) : (
        <>
          <MatrixFilters state={state} hidden={cluster ? { cluster } : {}} />
          <p className="muted" data-testid="fleet-generated">
            Findings as of {fleet.generatedAt.replace('T', ' ').slice(0, 19)} UTC, shared by every viewer for one scrape interval. Every cell
            comes from the stored layer (Prometheus) alone; a node&apos;s page reads its kubelet to confirm at the source.
          </p>
          <FleetMatrix matrix={buildMatrix(fleet.nodes, state)} state={state} nodeHref={(node) => withCluster(`/nodes/${encodeURIComponent(node)}`, cluster)} />
          <ClusterFindings findings={fleet.clusterFindings} />
        </>
      )}
    </>
  );
}
