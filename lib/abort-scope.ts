import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The abort signal of the view being computed, carried through its async calls without threading it through
 * every function: the Prometheus client reads it when it sends (or queues) a request. A view computation is
 * aborted only when every viewer waiting for it has gone (lib/server/shared-for.ts counts them); shared
 * pieces that other views may be waiting for run outside any view's scope, so one view's end never fails
 * another's.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

export const viewSignal = (): AbortSignal | undefined => scope.getStore();

export const runAbortable = <T>(signal: AbortSignal, compute: () => T): T => scope.run(signal, compute);

export const runUnabortable = <T>(compute: () => T): T => scope.exit(compute);
