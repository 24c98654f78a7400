import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the view being computed allows its upstream requests, carried through its async calls without
 * threading it through every function; the Prometheus client reads it when it sends (or queues) a request:
 * - `signal`: aborted once every viewer waiting for the view has gone (lib/server/shared-for.ts counts
 *   them);
 * - `deadlineMs`: when the view must be answered, one Prometheus timeout after the request that asked for it
 *   arrived, so a view of many sequential requests answers in time, degraded, rather than add their times.
 * Shared pieces that other views may wait for run without a viewer's signal, so one view's end never fails
 * another's; they keep the deadline of the view that started them, which no later view's is earlier than.
 */
interface ViewScope {
  signal?: AbortSignal;
  deadlineMs?: number;
}

const scope = new AsyncLocalStorage<ViewScope>();

export const viewScope = (): ViewScope | undefined => scope.getStore();

/** For tests and callers that only care about cancellation. */
export const viewSignal = (): AbortSignal | undefined => scope.getStore()?.signal;

export const runAbortable = <T>(signal: AbortSignal, compute: () => T): T => scope.run({ ...scope.getStore(), signal }, compute);

export function runUnabortable<T>(compute: () => T): T {
  const deadlineMs = scope.getStore()?.deadlineMs;
  return deadlineMs === undefined ? scope.exit(compute) : scope.run({ deadlineMs }, compute);
}

/** Runs `compute` with a deadline no later than the one it already has. */
export function runWithDeadline<T>(deadlineMs: number, compute: () => T): T {
  const current = scope.getStore();
  return scope.run({ ...current, deadlineMs: Math.min(deadlineMs, current?.deadlineMs ?? Infinity) }, compute);
}
