import { jsonRoute, shedIfOverloaded } from '@/lib/http/api-error';
import { clusters } from '@/lib/server/clusters';
import { parseNodeRequest, unknownNode } from '../schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/timeline?from=&to=&cluster=: see docs/api.md. */
export const GET = jsonRoute<{ node: string }>(async (request, params) => {
  const { node, cluster, range, now } = parseNodeRequest(request, params);
  const { gapscope } = await clusters().forNode(cluster, node, now);
  const timeline = await gapscope.timeline(node, range, now, request.signal);
  if (timeline.found === false) throw unknownNode(node);
  return shedIfOverloaded(timeline, timeline.found !== null);
});
