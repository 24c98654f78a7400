import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { FleetMatrix } from '@/components/fleet/fleet-matrix';
import { MatrixFilters } from '@/components/fleet/matrix-filters';
import { SourcePanel } from '@/components/source-panel';
import { buildMatrix, matrixStateSchema } from '@/lib/engine/matrix';
import { gapscope } from '@/lib/server/gapscope';

export const dynamic = 'force-dynamic';

/** GET /embed/fleet?theme=&q=&family=&severity=&sort=: the fleet matrix without the dashboard's chrome. */
export default async function FleetEmbed({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await searchParams;
  const state = matrixStateSchema.parse(search);
  const fleet = await gapscope().fleet();
  return (
    <EmbedFrame theme={themeOf(search)}>
      {fleet.nodes === null ? <SourcePanel sources={fleet.sources} /> : null}
      {fleet.nodes && fleet.nodes.length > 0 ? (
        <>
          <MatrixFilters state={state} action="/embed/fleet" />
          {/* A node opens in gapscope itself: the dashboard is not framed. */}
          <FleetMatrix matrix={buildMatrix(fleet.nodes, state)} state={state} nodeHref={(node) => `/nodes/${encodeURIComponent(node)}`} nodeTarget="_blank" />
        </>
      ) : null}
    </EmbedFrame>
  );
}
