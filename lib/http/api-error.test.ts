import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiErrorSchema } from '@/lib/contract/error';
import { ApiError, jsonRoute, toResponse } from './api-error';

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

  it('answers JSON with 200 for what the handler returns', async () => {
    const response = await jsonRoute(async (_request, params: { node: string }) => ({ node: params.node }))(new Request('http://gapscope.test/'), { params: Promise.resolve({ node: 'a' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ node: 'a' });
  });
});
