import { toResponse } from '@/lib/http/api-error';
import { kubelet } from '@/lib/investigation/kubelet';
import { investigateNode } from '@/lib/investigation/node-findings';
import { appOptions, prometheus } from '@/lib/investigation/prometheus';
import { parseNodeRequest, unknownNode } from '../schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/findings?from=&to=: see docs/api.md. */
export async function GET(request: Request, { params }: { params: Promise<{ node: string }> }) {
  try {
    const { node, range, now } = await parseNodeRequest(request, params);
    const investigation = await investigateNode(prometheus(), node, { kubelet: kubelet(), now, atMs: range.endMs, ...appOptions() });
    if (investigation.found === false) throw unknownNode(node);
    return Response.json({ ...investigation, range });
  } catch (error) {
    return toResponse(error);
  }
}
