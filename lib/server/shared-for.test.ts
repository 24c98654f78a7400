import { describe, expect, it } from 'vitest';
import { runAbortable, viewSignal } from '@/lib/abort-scope';
import { sharedBy, sharedFor } from './shared-for';

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

describe('sharedBy', () => {
  it('shares one computation per key while it runs, and for the lifetime after it started', async () => {
    const shared = sharedBy<string>();
    let calls = 0;
    const compute = (key: string) => () => Promise.resolve(`${key}${++calls}`);
    expect(await Promise.all([shared('a', 1_000, 0, compute('a')), shared('a', 1_000, 5, compute('a')), shared('b', 1_000, 5, compute('b'))])).toEqual(['a1', 'a1', 'b2']);
    expect(await shared('a', 1_000, 999, compute('a'))).toBe('a1');
    expect(await shared('a', 1_000, 1_000, compute('a'))).toBe('a3');
  });

  it('with no lifetime, shares only while in flight', async () => {
    const shared = sharedBy<number>();
    let calls = 0;
    let finish: () => void = () => {};
    const slow = () => new Promise<number>((resolve) => (finish = () => resolve(++calls)));
    const first = shared('k', 0, 0, slow);
    const second = shared('k', 0, 0, slow);
    finish();
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(await shared('k', 0, 0, () => Promise.resolve(++calls))).toBe(2);
  });

  it('does not keep a failure, and keeps at most maxKeys keys', async () => {
    const shared = sharedBy<number>(2);
    await expect(shared('x', 10_000, 0, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await shared('x', 10_000, 1, () => Promise.resolve(7))).toBe(7);
    await shared('y', 10_000, 1, () => Promise.resolve(8));
    await shared('z', 10_000, 1, () => Promise.resolve(9));
    // x was the oldest of three: computed again.
    expect(await shared('x', 10_000, 2, () => Promise.resolve(70))).toBe(70);
  });
});

describe('sharedBy with viewers that leave', () => {
  /** A computation that resolves when released, or rejects when the view's signal aborts. */
  const pending = () => {
    let release: (value: string) => void = () => {};
    let seen: AbortSignal | undefined;
    const compute = () =>
      new Promise<string>((resolve, reject) => {
        seen = viewSignal();
        release = resolve;
        seen?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    return { compute, release: (value: string) => release(value), signal: () => seen };
  };

  it('aborts the computation only when every viewer with a signal has gone, and computes afresh after', async () => {
    const shared = sharedBy<string>();
    const work = pending();
    const [a, b] = [new AbortController(), new AbortController()];
    const first = shared('node-a', 0, 0, work.compute, a.signal);
    const second = shared('node-a', 0, 0, work.compute, b.signal);
    expect(second).toBe(first);
    a.abort();
    expect(work.signal()!.aborted).toBe(false);
    b.abort();
    expect(work.signal()!.aborted).toBe(true);
    await expect(first).rejects.toThrow('aborted');
    // The aborted computation is not reused.
    const again = pending();
    const third = shared('node-a', 0, 0, again.compute, new AbortController().signal);
    expect(third).not.toBe(first);
    again.release('fresh');
    expect(await third).toBe('fresh');
  });

  it('keeps running for a caller without a signal, and outside any view for shared pieces', async () => {
    const shared = sharedBy<string>();
    const work = pending();
    const viewer = new AbortController();
    const result = shared('node-a', 0, 0, work.compute, viewer.signal);
    void shared('node-a', 0, 0, work.compute);
    viewer.abort();
    expect(work.signal()!.aborted).toBe(false);
    work.release('done');
    expect(await result).toBe('done');
    // sharedFor's computation sees no view signal, even when asked from inside a view.
    const piece = sharedFor<AbortSignal | undefined>();
    const inner = await runAbortable(new AbortController().signal, () => piece(1_000, 0, async () => viewSignal()));
    expect(inner).toBeUndefined();
  });
});
