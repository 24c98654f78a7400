/**
 * One computation shared for `ttlMs` after it starts: callers within that time, including those that come
 * while it is still running, get the same promise. A rejected computation is dropped at once, so the next
 * caller tries again rather than reading a cached failure.
 */
export function sharedFor<T>(): (ttlMs: number, now: number, compute: () => Promise<T>) => Promise<T> {
  let entry: { startedAt: number; result: Promise<T> } | undefined;
  return (ttlMs, now, compute) => {
    if (entry && now - entry.startedAt < ttlMs) return entry.result;
    const result = compute();
    const current = { startedAt: now, result };
    entry = current;
    result.catch(() => {
      if (entry === current) entry = undefined;
    });
    return result;
  };
}
