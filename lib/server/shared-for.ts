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

/**
 * `sharedFor` by key: identical requests in flight share one computation, and its result is reused until
 * `ttlMs` after it started (0: only while in flight). At most `maxKeys` keys are kept; the oldest go first.
 */
export function sharedBy<T>(maxKeys = 256): (key: string, ttlMs: number, now: number, compute: () => Promise<T>) => Promise<T> {
  const entries = new Map<string, { result: Promise<T>; startedAt: number; settled: boolean }>();
  return (key, ttlMs, now, compute) => {
    const existing = entries.get(key);
    if (existing && (!existing.settled || now - existing.startedAt < ttlMs)) return existing.result;
    const entry = { result: compute(), startedAt: now, settled: false };
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxKeys) entries.delete(entries.keys().next().value!);
    const settle = (failed: boolean) => {
      entry.settled = true;
      // A failure is not reused: the next caller tries again.
      if ((failed || ttlMs === 0) && entries.get(key) === entry) entries.delete(key);
    };
    entry.result.then(
      () => settle(false),
      () => settle(true),
    );
    return entry.result;
  };
}
