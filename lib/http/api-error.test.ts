import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiErrorSchema } from '@/lib/contract/error';
import { ApiError, jsonRoute, RETRY_AFTER_S, shedIfOverloaded, toResponse } from './api-error';

afterEach(() => vi.restoreAllMocks());

describe('the error contract', () => {
  it('maps an ApiError to its status and code', async () => {
    const response = toResponse(new ApiError(404, 'unknown-node', 'node "x" is not in the inventory'));
    expect(response.status).toBe(404);
    expect(apiErrorSchema.parse(await response.json())).toEqual({ error: { code: 'unknown-node', message: 'node "x" is not in the inventory' } });
  });

  it('maps a zod failure to a 400 that names the field', async () => {
    const parsed = z.object({ node: z.string().min(3) }).safeParse({ node: 'x' });
    const response = toResponse(ApiError.fromZod(parsed.error!));
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/^node: /);
  });

  it('answers an unexpected failure as a JSON 500, logged without the secret it carried', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const route = jsonRoute(async () => {
      throw new TypeError('upstream echoed Authorization: Bearer s3cr3t-token-value');
    });
    const response = await route(new Request('http://gapscope.test/api/v1/nodes'), { params: Promise.resolve({}) });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = apiErrorSchema.parse(await response.json());
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toContain('s3cr3t');
    expect(log).toHaveBeenCalledOnce();
    expect(String(log.mock.calls[0]![0])).toContain('TypeError: upstream echoed Authorization: [redacted]');
    expect(String(log.mock.calls[0]![0])).not.toContain('s3cr3t');
  });

  it('sheds a view that has no data because its Prometheus requests were shed: 503 with Retry-After', async () => {
    const shed = { sources: [{ source: 'prometheus' as const, endpoint: 'POST /api/v1/query kube_node_info', ok: false, kind: 'overloaded' as const, detail: 'too many' }] };
    const response = await jsonRoute(async () => shedIfOverloaded(shed, false))(new Request('http://gapscope.test/'), { params: Promise.resolve({}) });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
    expect(apiErrorSchema.parse(await response.json()).error.code).toBe('overloaded');
    // With some data, the answer stays 200 and the failed source says why.
    expect(shedIfOverloaded(shed, true)).toBe(shed);
    // Another failure (Prometheus down) is no reason to shed: the answer says it, with 200.
    expect(shedIfOverloaded({ sources: [{ ...shed.sources[0]!, kind: 'unreachable' as const }] }, false).sources).toHaveLength(1);
  });

  it('answers JSON with 200 for what the handler returns', async () => {
    const response = await jsonRoute(async (_request, params: { node: string }) => ({ node: params.node }))(new Request('http://gapscope.test/'), { params: Promise.resolve({ node: 'a' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ node: 'a' });
  });
});
