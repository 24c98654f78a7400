import { ApiError, toResponse } from '@/lib/http/api-error';
import { kubelet } from '@/lib/investigation/kubelet';
import { investigateNode } from '@/lib/investigation/node-findings';
import { jobRoles, prometheus } from '@/lib/investigation/prometheus';
import { resolveRange } from '@/lib/time-range';
import { nodeParamsSchema, rangeQuerySchema } from './schema';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes/{node}/findings?from=&to=: see docs/api.md. */
export async function GET(request: Request, { params }: { params: Promise<{ node: string }> }) {
  try {
    const parsed = nodeParamsSchema.safeParse(await params);
    if (!parsed.success) throw ApiError.fromZod(parsed.error);
    const search = new URL(request.url).searchParams;
    const query = rangeQuerySchema.safeParse({ from: search.get('from') ?? undefined, to: search.get('to') ?? undefined });
    if (!query.success) throw ApiError.fromZod(query.error);
    const now = Date.now();
    const range = resolveRange(query.data.from, query.data.to, now);
    if (typeof range === 'string') throw new ApiError(400, 'bad-request', range);
    const investigation = await investigateNode(prometheus(), parsed.data.node, { kubelet: kubelet(), now, atMs: range.endMs, jobRoles: jobRoles() });
    if (investigation.found === false) {
      throw new ApiError(404, 'unknown-node', `node "${parsed.data.node}" is not in the inventory (no kube_node_info series names it)`);
    }
    return Response.json({ ...investigation, range });
  } catch (error) {
    return toResponse(error);
  }
}
