import Link from 'next/link';
import type { FleetNode } from '@/lib/topology/fleet';
import { HealthBadge } from './health-badge';

interface Props {
  nodes: FleetNode[];
  healthFrom: 'targets-api' | 'up-series' | 'none';
  unmatchedTargets: number;
}

export function FleetTable({ nodes, healthFrom, unmatchedTargets }: Props) {
  if (nodes.length === 0) {
    return <p data-testid="fleet-empty">No nodes: Prometheus has no kube_node_info series. Check that kube-state-metrics is scraped.</p>;
  }
  return (
    <>
      <p className="muted" data-testid="fleet-summary">
        {nodes.length} nodes · target health from {healthFrom === 'targets-api' ? 'the targets API' : healthFrom === 'up-series' ? '`up` series' : 'nowhere (see sources)'}
        {unmatchedTargets > 0 ? ` · ${unmatchedTargets} node targets matched no known node` : ''}
      </p>
      <table className="fleet" data-testid="fleet-table">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Runtime</th>
            <th scope="col">Kubelet</th>
            <th scope="col">kubelet /metrics</th>
            <th scope="col">cAdvisor</th>
            <th scope="col">node-exporter</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => (
            <tr key={node.name} data-testid="fleet-row" data-node={node.name}>
              <th scope="row">
                <Link href={`/nodes/${encodeURIComponent(node.name)}`}>{node.name}</Link>
                <span className="muted" style={{ display: 'block', fontWeight: 400, fontSize: '0.8rem' }}>
                  {node.internalIp}
                </span>
              </th>
              <td>{node.containerRuntime}</td>
              <td>{node.kubeletVersion}</td>
              <td>
                <HealthBadge role="kubelet" health={node.roles.kubelet} />
              </td>
              <td>
                <HealthBadge role="cadvisor" health={node.roles.cadvisor} />
              </td>
              <td>
                <HealthBadge role="node-exporter" health={node.roles['node-exporter']} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
