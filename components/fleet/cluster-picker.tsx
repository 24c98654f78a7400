import Link from 'next/link';
import { withCluster } from '@/lib/topology/cluster-name';

/**
 * The clusters of a store that holds several, as links: `hrefOf` gives the same view in another cluster, and
 * the current one is marked for screen readers too. Plain links: they work without script and from the
 * keyboard, and each is an address to share. Nothing for a store of one cluster.
 */
export function ClusterPicker({ names, current, path = '/' }: { names: readonly string[]; current: string | null; path?: string }) {
  if (names.length < 2) return null;
  return (
    <nav className="cluster-picker" aria-label="Clusters" data-testid="cluster-picker">
      <span className="muted">Cluster:</span>{' '}
      <Link href="/" aria-current={current === null ? 'page' : undefined} data-testid="cluster-all">
        all clusters
      </Link>
      {names.map((name) => (
        <Link key={name} href={withCluster(path, name)} aria-current={current === name ? 'page' : undefined} data-testid="cluster-option" data-cluster={name}>
          {name}
        </Link>
      ))}
    </nav>
  );
}
