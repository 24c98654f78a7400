import Link from 'next/link';
import { withCluster } from '@/lib/topology/cluster-name';

/**
 * The clusters of a store that holds several, as links to each cluster's fleet, the current one marked for
 * screen readers too. Plain links: they work without script and from the keyboard, and each is an address to
 * share. Nothing for a store of one cluster.
 */
export function ClusterPicker({ names, current }: { names: readonly string[]; current: string | null }) {
  if (names.length < 2) return null;
  return (
    <nav className="cluster-picker" aria-label="Clusters" data-testid="cluster-picker">
      <span className="muted">Cluster:</span>{' '}
      <Link href="/" aria-current={current === null ? 'page' : undefined} data-testid="cluster-all">
        all clusters
      </Link>
      {names.map((name) => (
        <Link key={name} href={withCluster('/', name)} aria-current={current === name ? 'page' : undefined} data-testid="cluster-option" data-cluster={name}>
          {name}
        </Link>
      ))}
    </nav>
  );
}
