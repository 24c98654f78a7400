import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { ClustersTable } from '@/components/fleet/clusters-overview';
import { FleetMatrix } from '@/components/fleet/fleet-matrix';
import { MatrixFilters } from '@/components/fleet/matrix-filters';
import { SourcePanel } from '@/components/source-panel';
import { buildMatrix, matrixStateSchema } from '@/lib/engine/matrix';
import { clusters } from '@/lib/server/clusters';
import { pageChoice } from '@/lib/server/page-choice';
import { withCluster } from '@/lib/topology/cluster-name';

export const dynamic = 'force-dynamic';

/**
 * GET /embed/fleet?cluster=&theme=&q=&family=&severity=&sort=: the fleet matrix without the dashboard's
 * chrome; without cluster= in a store of several, the fleet of clusters.
 */
export default async function FleetEmbed({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await searchParams;
  const state = matrixStateSchema.parse(search);
  const theme = themeOf(search);
  const choice = await pageChoice(state.cluster);
  if ('pick' in choice) {
    const overview = await clusters().overview();
    return (
      <EmbedFrame theme={theme}>
        {overview.clusters.length === 0 ? <SourcePanel sources={overview.sources} /> : null}
        <ClustersTable overview={overview} path={theme ? `/embed/fleet?theme=${theme}` : '/embed/fleet'} />
      </EmbedFrame>
    );
  }
  const { cluster } = choice;
  const fleet = await choice.gapscope.fleet();
  return (
    <EmbedFrame theme={theme}>
      {fleet.nodes === null ? <SourcePanel sources={fleet.sources} /> : null}
      {fleet.nodes && fleet.nodes.length > 0 ? (
        <>
          <MatrixFilters state={state} action="/embed/fleet" hidden={{ ...(cluster ? { cluster } : {}), ...(theme ? { theme } : {}) }} />
          {/* A node opens in gapscope itself: the dashboard is not framed. */}
          <FleetMatrix matrix={buildMatrix(fleet.nodes, state)} state={state} nodeHref={(node) => withCluster(`/nodes/${encodeURIComponent(node)}`, cluster)} nodeTarget="_blank" />
        </>
      ) : null}
    </EmbedFrame>
  );
}
