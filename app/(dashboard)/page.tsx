import { FleetTable } from '@/components/fleet/fleet-table';
import { SourcePanel } from '@/components/source-panel';
import { loadFleet } from '@/lib/investigation/fleet';
import { jobRoles, prometheus } from '@/lib/investigation/prometheus';

// Target health is live data: render on every request.
export const dynamic = 'force-dynamic';

export default async function FleetPage() {
  const fleet = await loadFleet(prometheus(), { jobRoles: jobRoles() });
  return (
    <>
      <h1>Fleet</h1>
      <SourcePanel sources={fleet.sources} />
      {fleet.nodes === null ? (
        <p data-testid="fleet-unavailable">The node list is unavailable until Prometheus answers the kube_node_info query (see above).</p>
      ) : (
        <FleetTable nodes={fleet.nodes} healthFrom={fleet.healthFrom} unmatchedTargets={fleet.unmatchedTargets} />
      )}
    </>
  );
}
