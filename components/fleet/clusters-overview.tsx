import Link from 'next/link';
import type { ClustersOverview } from '@/lib/contract/clusters';
import { MATRIX_COLUMNS } from '@/lib/engine/matrix';
import { withCluster } from '@/lib/topology/cluster-name';

/**
 * The fleet of clusters: per cluster, its nodes, the nodes with a fault and, per gap family, how many nodes
 * have a fault of it. Each cluster opens its own fleet matrix; `path` is where (the page or the embed).
 */
export function ClustersTable({ overview, path = '/' }: { overview: ClustersOverview; path?: string }) {
  return (
    <div className="table-scroll">
      <table className="fleet" data-testid="clusters-table">
        <caption className="muted">
          Clusters by their <code>{overview.label}</code> label, as of {overview.generatedAt.replace('T', ' ').slice(0, 19)} UTC; counts are nodes.
        </caption>
        <thead>
          <tr>
            <th scope="col">Cluster</th>
            <th scope="col">Nodes</th>
            <th scope="col">With faults</th>
            <th scope="col">Targets down or missing</th>
            {MATRIX_COLUMNS.map(({ id, title }) => (
              <th scope="col" key={id}>
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {overview.clusters.map((cluster) => (
            <tr key={cluster.name} data-testid="cluster-row" data-cluster={cluster.name}>
              <th scope="row">
                <Link href={withCluster(path, cluster.name)} data-testid="cluster-link">
                  {cluster.name}
                </Link>
              </th>
              <td data-testid="cluster-nodes">{cluster.nodes ?? 'unknown'}</td>
              <td data-testid="cluster-faulty">{cluster.nodesWithFaults > 0 ? <span className="count warning">{cluster.nodesWithFaults}</span> : <span className="muted">none</span>}</td>
              <td>{cluster.nodesWithTargetsDown > 0 ? <span className="count warning">{cluster.nodesWithTargetsDown}</span> : <span className="muted">none</span>}</td>
              {MATRIX_COLUMNS.map(({ id }) => (
                <td key={id} data-family={id} data-nodes={cluster.faultsByFamily[id] ?? 0}>
                  {cluster.faultsByFamily[id] ? <span className="count warning">{cluster.faultsByFamily[id]}</span> : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
