import { jsonRoute, shedIfOverloaded } from '@/lib/http/api-error';
import { gapscope } from '@/lib/server/gapscope';
import { parseNodeRequest, unknownNode } from '../schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/timeline?from=&to=: see docs/api.md. */
export const GET = jsonRoute<{ node: string }>(async (request, params) => {
  const { node, range, now } = parseNodeRequest(request, params);
  const timeline = await gapscope().timeline(node, range, now, request.signal);
  if (timeline.found === false) throw unknownNode(node);
  return shedIfOverloaded(timeline, timeline.found !== null);
});
