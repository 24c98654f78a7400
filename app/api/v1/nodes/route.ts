import { ApiError, jsonRoute, shedIfOverloaded } from '@/lib/http/api-error';
import { clusterNameSchema } from '@/lib/topology/cluster-name';
import { clusters } from '@/lib/server/clusters';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/nodes?cluster=: every node (of the cluster, where the store holds several) with its target
 * health and findings counted by kind, family and severity (docs/api.md).
 */
export const GET = jsonRoute(async (request) => {
  const asked = clusterNameSchema.optional().safeParse(new URL(request.url).searchParams.get('cluster') || undefined);
  if (!asked.success) throw ApiError.fromZod(asked.error);
  const { gapscope } = await clusters().forFleet(asked.data);
  const fleet = await gapscope.fleet();
  return shedIfOverloaded(fleet, fleet.nodes !== null);
});
