import { RUNTIME_UNIT_NAMES } from '@/lib/families/cadvisor-labels/causes';
import type { QueryPart } from '@/lib/families/types';

/**
 * Facts about a node that are not a family's but that rules and events read: when its kubelet and runtime
 * started. Asked at the instant of the findings and over the timeline's range alike.
 */

/** The container runtimes' systemd units, as cAdvisor names their cgroups. */
export const RUNTIME_UNITS = `id=~"/system.slice/(${RUNTIME_UNIT_NAMES.join('|')})[.]service"`;

export const START_PARTS = {
  kubeletStart: { of: 'kubelet', promql: (scope) => scope.select('process_start_time_seconds') },
  runtimeStart: { of: 'cadvisor', promql: (scope) => scope.select('container_start_time_seconds', RUNTIME_UNITS) },
} as const satisfies Record<string, QueryPart>;

/** "/system.slice/containerd.service" -> "containerd". */
export function runtimeUnitOf(id: string | undefined): string {
  return /\/system\.slice\/([a-z-]+)\.service/.exec(id ?? '')?.[1] ?? 'runtime';
}
