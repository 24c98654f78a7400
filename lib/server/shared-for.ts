import { runAbortable, runUnabortable } from '@/lib/abort-scope';

/**
 * One computation shared for `ttlMs` after it starts: callers within that time, including those that come
 * while it is still running, get the same promise. A rejected computation is dropped at once, so the next
 * caller tries again rather than reading a cached failure.
 */
export function sharedFor<T>(): (ttlMs: number, now: number, compute: () => Promise<T>) => Promise<T> {
  let entry: { startedAt: number; result: Promise<T> } | undefined;
  return (ttlMs, now, compute) => {
    if (entry && now - entry.startedAt < ttlMs) return entry.result;
    // Shared by whoever comes: no single viewer's departure may abort it.
    const result = runUnabortable(compute);
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
 *
 * A caller may pass the signal of its request (an API route's `request.signal` aborts when the client
 * disconnects): the computation is then aborted, its Prometheus requests cancelled or never sent, once every
 * caller that passed a signal has gone. A caller without a signal keeps it running.
 */
export function sharedBy<T>(maxKeys = 256): (key: string, ttlMs: number, now: number, compute: () => Promise<T>, signal?: AbortSignal) => Promise<T> {
  interface Entry {
    result: Promise<T>;
    startedAt: number;
    settled: boolean;
    /** Callers with a signal still waiting; a caller without one pins the computation. */
    waiting: number;
    pinned: boolean;
    controller: AbortController;
  }
  const entries = new Map<string, Entry>();
  const join = (entry: Entry, signal: AbortSignal | undefined) => {
    if (!signal) {
      entry.pinned = true;
      return;
    }
    entry.waiting++;
    const leave = () => {
      entry.waiting--;
      if (entry.waiting === 0 && !entry.pinned && !entry.settled) entry.controller.abort(new Error('every viewer of this view has gone'));
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
  };
  return (key, ttlMs, now, compute, signal) => {
    const existing = entries.get(key);
    if (existing && (!existing.settled || now - existing.startedAt < ttlMs)) {
      if (!existing.settled) join(existing, signal);
      return existing.result;
    }
    const controller = new AbortController();
    const entry: Entry = { result: runAbortable(controller.signal, compute), startedAt: now, settled: false, waiting: 0, pinned: false, controller };
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxKeys) entries.delete(entries.keys().next().value!);
    const settle = (failed: boolean) => {
      entry.settled = true;
      // A failure (an abort included) is not reused: the next caller tries again.
      if ((failed || ttlMs === 0) && entries.get(key) === entry) entries.delete(key);
    };
    entry.result.then(
      () => settle(false),
      () => settle(true),
    );
    join(entry, signal);
    return entry.result;
  };
}
