import { z } from 'zod';

/**
 * A cluster as the store's cluster label names it (GAPSCOPE_CLUSTER_LABEL), in URLs as `cluster=`: letters,
 * digits and . _ : / - (what clusters are named). Anything else is refused before it reaches a query; a name
 * that passes is still checked against the store's clusters (lib/server/clusters.ts).
 */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export const clusterNameSchema = z.string().regex(CLUSTER_NAME_PATTERN, 'must be a cluster name (letters, digits, . _ : / -, at most 128)');

/** `href` with `cluster=` added before its fragment (nothing added for a store without clusters). */
export function withCluster(href: string, cluster: string | null | undefined): string {
  if (!cluster) return href;
  const hash = href.indexOf('#');
  const [path, fragment] = hash === -1 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}cluster=${encodeURIComponent(cluster)}${fragment}`;
}
