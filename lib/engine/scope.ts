import type { QueryPart, QueryScope } from '@/lib/families/types';
import { withMatchers } from '@/lib/prometheus/cluster-scope';
import { ksmSelector, restored } from '@/lib/prometheus/ksm';
import { matchersOf, quoteLabelValue } from '@/lib/prometheus/promql';
import type { FleetNode, NodeRole, RoleHealth } from '@/lib/topology/fleet';

/**
 * How a family's parts are scoped. PURE. A node's series are selected through its own targets, by their
 * identity, exactly as the findings and the lanes both need them; never through a pattern on `instance`,
 * which not every configuration writes as the node's name or address.
 */

type Target = RoleHealth['targets'][number];

/** The labels that tell one scrape target from another: job, instance, and metrics_path where it is set
 * (kube-prometheus scrapes /metrics and /metrics/cadvisor as one job on one instance). */
export function identityOf(target: Pick<Target, 'job' | 'instance' | 'labels'>): Record<string, string> {
  return { job: target.job, instance: target.instance, ...(target.labels.metrics_path ? { metrics_path: target.labels.metrics_path } : {}) };
}

/** The key series are grouped by to find their target: job and instance (a series of a part has one role). */
export const seriesKey = (labels: Record<string, string>) => `${labels.job ?? ''}\u0000${labels.instance ?? ''}`;

function selector(metric: string, matchers: string[]): string {
  return matchers.length > 0 ? `${metric}{${matchers.join(',')}}` : metric;
}

/**
 * `ksmExported`: kube-state-metrics' series carry `exported_*` labels (scraped without honor_labels), so its
 * selectors restore them (lib/prometheus/ksm.ts); otherwise they stay plain, which costs Prometheus less.
 */
export type PartScope =
  | { kind: 'fleet'; ksmExported?: boolean }
  /**
   * `targets`: the node's targets per role to select from (the up ones for an instant, all for a range).
   * `pods`: the pods on the node at the instant or at any time of the range, where known (podsMatchers).
   */
  | { kind: 'node'; node: string; targets: Record<NodeRole, Target[]>; ksmExported?: boolean; pods?: readonly NodePod[] };

export interface NodePod {
  namespace: string;
  pod: string;
}

/** Past this many pods, the matchers would cost Prometheus more than they save. */
export const MAX_NARROWED_PODS = 400;

const regexOf = (values: Iterable<string>) => quoteLabelValue([...new Set(values)].map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/**
 * Matchers that keep kube-state-metrics' pod series (kube_pod_*: by namespace and pod, no node) to the node's
 * pods, or null where they cannot (no list, too many pods). Joined with kube_pod_info{node=…}, the parts
 * already keep only those pods, but Prometheus evaluates each side first: at 1,000 nodes, every step of a
 * range query read every pod's phase and containers (seconds), where these matchers read the node's own.
 * No pod at all: `pod=""`, which no pod series has, as the join would have found none.
 */
export function podsMatchers(pods: readonly NodePod[] | undefined): string | null {
  if (!pods || pods.length > MAX_NARROWED_PODS) return null;
  if (pods.length === 0) return 'pod=""';
  return `namespace=~${regexOf(pods.map((entry) => entry.namespace))},pod=~${regexOf(pods.map((entry) => entry.pod))}`;
}

/** A part's PromQL for the scope, or null when the node has no target of the part's role to ask. */
export function promqlOf(part: QueryPart, scope: PartScope): string | null {
  const exported = scope.ksmExported === true;
  const kubeOf = (metric: string, matchers: string[], node?: string) =>
    exported ? ksmSelector(metric, matchers, node) : selector(metric, node === undefined ? matchers : [`node=${quoteLabelValue(node)}`, ...matchers]);
  const kube = { kube: (metric: string, ...matchers: string[]) => kubeOf(metric, matchers), restore: (expression: string) => (exported ? restored(expression) : expression) };
  if (scope.kind === 'fleet') {
    return part.promql({ select: (metric, ...matchers) => selector(metric, matchers), ksm: (metric, ...matchers) => kubeOf(metric, matchers), ...kube });
  }
  const role = part.needs ?? (part.of === 'node' || part.of === 'cluster' ? null : part.of);
  const targets = role ? scope.targets[role] : [];
  if (role && targets.length === 0) return null;
  const select: QueryScope['select'] = (metric, ...matchers) => {
    const each = targets.map((target) => selector(metric, [...matchersOf(identityOf(target)), ...matchers]));
    return each.length === 1 ? each[0]! : `(${each.join(' or ')})`;
  };
  return narrowedToPods(part.promql({ select, ksm: (metric, ...matchers) => kubeOf(metric, matchers, scope.node), ...kube }), scope);
}

/** A node's query with its kube_pod_* selectors kept to the node's pods (podsMatchers), where the scope lists them. */
export function narrowedToPods(promql: string, scope: PartScope): string {
  // Not where kube-state-metrics' labels are exported_*: its namespace and pod labels are the scrape target's.
  const narrowing = scope.kind === 'node' && scope.ksmExported !== true ? podsMatchers(scope.pods) : null;
  return narrowing ? withMatchers(promql, narrowing, (metric) => metric.startsWith('kube_pod_')) : promql;
}

/** The node's targets per role: the up ones (for an instant) or all (for a range, whose past may differ). */
export function targetsOf(node: FleetNode, which: 'up' | 'all'): Record<NodeRole, Target[]> {
  const pick = (role: NodeRole) => node.roles[role].targets.filter((target) => which === 'all' || target.health === 'up');
  return { kubelet: pick('kubelet'), cadvisor: pick('cadvisor'), 'node-exporter': pick('node-exporter') };
}

/** A set of parts as PromQL for the scope; parts whose role has no target are left out and named. */
export function queriesOf(parts: Readonly<Record<string, QueryPart>>, scope: PartScope): { queries: Record<string, string>; skippedRoles: NodeRole[] } {
  const queries: Record<string, string> = {};
  const skippedRoles = new Set<NodeRole>();
  for (const [key, part] of Object.entries(parts)) {
    const promql = promqlOf(part, scope);
    if (promql === null) skippedRoles.add((part.needs ?? part.of) as NodeRole);
    else queries[key] = promql;
  }
  return { queries, skippedRoles: [...skippedRoles] };
}
