import { jsonRoute, shedIfOverloaded } from '@/lib/http/api-error';
import { gapscope } from '@/lib/server/gapscope';
import { parseNodeRequest, unknownNode } from '../schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/findings?from=&to=: see docs/api.md. */
export const GET = jsonRoute<{ node: string }>(async (request, params) => {
  const { node, range, now } = parseNodeRequest(request, params);
  const investigation = await gapscope().node(node, range, now, request.signal);
  if (investigation.found === false) throw unknownNode(node);
  return shedIfOverloaded(investigation, investigation.found !== null);
});
