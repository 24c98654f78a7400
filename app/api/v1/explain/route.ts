import { ApiError, jsonRoute } from '@/lib/http/api-error';
import { explainBodyOf, explainParamsOf, MAX_DASHBOARD_BYTES } from '@/lib/explain/request';
import { clusters } from '@/lib/server/clusters';

export const dynamic = 'force-dynamic';

/** GET /api/v1/explain?query=&node=&cluster=&from=&to=&var-<name>=: why a query is empty (docs/api.md). */
export const GET = jsonRoute(async (request) => {
  const now = Date.now();
  const input = explainParamsOf(new URL(request.url).searchParams, now);
  const { gapscope } = await clusters().forExplain(input, now);
  return gapscope.explain(input.query!, { ...(input.node ? { node: input.node } : {}), range: input.range, requested: input.vars }, now);
});

/** The body as text, refused past MAX_DASHBOARD_BYTES without reading the rest. */
async function boundedText(request: Request): Promise<string> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_DASHBOARD_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > MAX_DASHBOARD_BYTES) {
      await reader!.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = () => new ApiError(400, 'bad-request', `the body is larger than ${MAX_DASHBOARD_BYTES / 1024 / 1024} MiB`);

/** POST /api/v1/explain { dashboard | query, node, from, to, vars }: a dashboard's empty panels first (docs/api.md). */
export const POST = jsonRoute(async (request) => {
  const now = Date.now();
  let body: unknown;
  try {
    body = JSON.parse(await boundedText(request));
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, 'bad-request', 'the body is not JSON');
  }
  const input = explainBodyOf(body, now);
  const asked = { ...(input.node ? { node: input.node } : {}), range: input.range, requested: input.vars };
  const { gapscope } = await clusters().forExplain(input, now);
  return input.dashboard ? gapscope.explainDashboard(input.dashboard, asked, now) : gapscope.explain(input.query!, asked, now);
});
