import { jsonRoute, shedIfOverloaded } from '@/lib/http/api-error';
import { clusters } from '@/lib/server/clusters';
import { parseNodeRequest, unknownNode } from '../schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/findings?from=&to=&cluster=: see docs/api.md. */
export const GET = jsonRoute<{ node: string }>(async (request, params) => {
  const { node, cluster, range, now } = parseNodeRequest(request, params);
  const { gapscope } = await clusters().forNode(cluster, node, now);
  const investigation = await gapscope.node(node, range, now, request.signal);
  if (investigation.found === false) throw unknownNode(node);
  return shedIfOverloaded(investigation, investigation.found !== null);
});
