import { toResponse } from '@/lib/http/api-error';
import { appOptions, prometheus } from '@/lib/investigation/prometheus';
import { investigateTimeline } from '@/lib/investigation/timeline';
import { parseNodeRequest, unknownNode } from '../schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/timeline?from=&to=: see docs/api.md. */
export async function GET(request: Request, { params }: { params: Promise<{ node: string }> }) {
  try {
    const { node, range, now } = await parseNodeRequest(request, params);
    const result = await investigateTimeline(prometheus(), node, range, { now, ...appOptions() });
    if (result.found === false) throw unknownNode(node);
    return Response.json(result);
  } catch (error) {
    return toResponse(error);
  }
}
