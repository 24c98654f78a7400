import { describe, expect, it } from 'vitest';
import { UpstreamError } from '@/lib/errors';
import { ApiError, toResponse } from './api-error';

/**
 * Next.js bundles routes and pages apart, each with its own copy of these classes, while the process's one
 * facade throws the copy of the bundle that built it: an error must be recognised by its brand.
 */
describe('error classes across bundles', () => {
  /** What another bundle's copy of the class makes: a different prototype, the same brand. */
  const fromAnotherCopy = (brand: string, fields: object) => Object.assign(new Error('from another bundle'), { [Symbol.for(brand)]: true }, fields);

  it('an ApiError of another copy is answered with its own status and code, not as a 500', async () => {
    const foreign = fromAnotherCopy('gapscope.ApiError', { status: 409, code: 'ambiguous-node' });
    expect(foreign).toBeInstanceOf(ApiError);
    const response = toResponse(foreign);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'ambiguous-node', message: 'from another bundle' } });
  });

  it('an UpstreamError of another copy is one; a plain Error is neither', () => {
    expect(fromAnotherCopy('gapscope.UpstreamError', { kind: 'timeout' })).toBeInstanceOf(UpstreamError);
    expect(new Error('plain')).not.toBeInstanceOf(ApiError);
    expect(new Error('plain')).not.toBeInstanceOf(UpstreamError);
    expect(new ApiError(404, 'unknown-node', 'x')).toBeInstanceOf(ApiError);
  });
});
