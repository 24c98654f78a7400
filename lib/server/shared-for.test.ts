import { describe, expect, it } from 'vitest';
import { sharedFor } from './shared-for';

describe('sharedFor', () => {
  it('shares one computation for the lifetime, then computes again', async () => {
    const shared = sharedFor<number>();
    let calls = 0;
    const compute = () => Promise.resolve(++calls);
    expect(await Promise.all([shared(15_000, 0, compute), shared(15_000, 10, compute)])).toEqual([1, 1]);
    expect(await shared(15_000, 14_999, compute)).toBe(1);
    expect(await shared(15_000, 15_000, compute)).toBe(2);
    expect(await shared(0, 15_000, compute)).toBe(3);
  });

  it('does not keep a failure', async () => {
    const shared = sharedFor<number>();
    await expect(shared(15_000, 0, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await shared(15_000, 1, () => Promise.resolve(7))).toBe(7);
  });
});
