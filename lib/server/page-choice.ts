import 'server-only';
import { notFound } from 'next/navigation';
import { ApiError } from '@/lib/http/api-error';
import { clusters, type ClusterChoice } from './clusters';

/**
 * A page's cluster (lib/server/clusters.ts): an unknown cluster, or a node no cluster has, is the page's
 * 404; `pick` is for the page to offer the clusters.
 */
export async function pageChoice(asked: string | undefined, node?: string): Promise<ClusterChoice | { pick: string[] }> {
  try {
    return await clusters().choose(asked, node);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }
}

/** The store's clusters for a picker; none where the list cannot be read (the page's sources say why). */
export async function clusterNames(): Promise<string[]> {
  return clusters().names().catch(() => []);
}
