import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiErrorSchema } from '@/lib/contract/error';
import { nodeTimelineSchema, type NodeTimeline } from '@/lib/contract/timeline';

/**
 * What the browser asks gapscope's own API, with react-query: key factories and queryOptions factories,
 * every answer validated with zod before a component sees it.
 */

async function getJson<T>(url: string, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = apiErrorSchema.safeParse(body);
    throw new Error(error.success ? error.data.error.message : `gapscope answered HTTP ${response.status}`);
  }
  return schema.parse(body);
}

export const timelineKeys = {
  all: ['timeline'] as const,
  node: (node: string, from: string, to: string, cluster = '') => [...timelineKeys.all, cluster, node, from, to] as const,
};

/** `cluster`: the node's cluster, in a store that holds several (the same name may be a node of another). */
export function nodeTimelineQuery(node: string, from: string, to: string, cluster?: string) {
  const search = new URLSearchParams({ ...(cluster ? { cluster } : {}), from, to });
  return queryOptions({
    queryKey: timelineKeys.node(node, from, to, cluster),
    queryFn: ({ signal }) => getJson<NodeTimeline>(`/api/v1/nodes/${encodeURIComponent(node)}/timeline?${search}`, nodeTimelineSchema, signal),
    // A relative range moves with the clock: keep it current. An absolute range shows fixed history.
    refetchInterval: from.startsWith('now') || to.startsWith('now') ? 60_000 : false,
  });
}
