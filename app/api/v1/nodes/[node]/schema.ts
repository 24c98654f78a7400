import { z } from 'zod';
import { ApiError } from '@/lib/http/api-error';
import { clusterNameSchema } from '@/lib/topology/cluster-name';
import { nodeNameSchema } from '@/lib/topology/node-name';
import { resolveRange, timeExpressionSchema, type ResolvedRange } from '@/lib/time-range';

export const nodeParamsSchema = z.object({ node: nodeNameSchema });

/** ?from=&to= in Grafana's syntax, and the cluster where the store holds several; anything else is ignored. */
export const rangeQuerySchema = z.object({ from: timeExpressionSchema.optional(), to: timeExpressionSchema.optional(), cluster: clusterNameSchema.optional() });

/** The node and range of a /api/v1/nodes/{node}/... request, or an ApiError (400) saying what is wrong. */
export function parseNodeRequest(request: Request, params: { node: string }): { node: string; cluster?: string; range: ResolvedRange; now: number } {
  const parsed = nodeParamsSchema.safeParse(params);
  if (!parsed.success) throw ApiError.fromZod(parsed.error);
  const search = new URL(request.url).searchParams;
  const query = rangeQuerySchema.safeParse({ from: search.get('from') ?? undefined, to: search.get('to') ?? undefined, cluster: search.get('cluster') || undefined });
  if (!query.success) throw ApiError.fromZod(query.error);
  const now = Date.now();
  const range = resolveRange(query.data.from, query.data.to, now);
  if (typeof range === 'string') throw new ApiError(400, 'bad-request', range);
  return { node: parsed.data.node, ...(query.data.cluster ? { cluster: query.data.cluster } : {}), range, now };
}

export const unknownNode = (node: string) => new ApiError(404, 'unknown-node', `node "${node}" is not in the inventory (no kube_node_info series names it)`);
