import { ApiError, toResponse } from '@/lib/http/api-error';
import { kubelet } from '@/lib/investigation/kubelet';
import { investigateNode } from '@/lib/investigation/node-findings';
import { prometheus } from '@/lib/investigation/prometheus';
import { nodeParamsSchema } from './schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/findings: see docs/api.md. */
export async function GET(_request: Request, { params }: { params: Promise<{ node: string }> }) {
  try {
    const parsed = nodeParamsSchema.safeParse(await params);
    if (!parsed.success) throw ApiError.fromZod(parsed.error);
    const investigation = await investigateNode(prometheus(), parsed.data.node, { kubelet: kubelet() });
    if (investigation.found === false) {
      throw new ApiError(404, 'unknown-node', `node "${parsed.data.node}" is not in the inventory (no kube_node_info series names it)`);
    }
    return Response.json(investigation);
  } catch (error) {
    return toResponse(error);
  }
}
