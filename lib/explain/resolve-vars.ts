import type { NodeRole } from '@/lib/topology/fleet';
import { labelValuesQuery, type DashboardVariable } from './dashboard';
import { substitute, type VariableValue } from './grafana-vars';
import { parsePromql } from './promql-tree';

/**
 * Values for a query's or a dashboard's template variables, for one node: what an SRE would pick in
 * Grafana's drop-downs to look at that node. A value given in the request (`var-instance=…`) always wins.
 * PURE but for `valuesOf`, which asks Prometheus for a variable query's values (one request each).
 */

export interface NodeAliases {
  name: string;
  internalIp: string;
  /** The node's targets: the `instance` and `job` its series carry, per role. */
  targets: { role: NodeRole; instance: string; job: string }[];
  /** The claims (`namespace/name`) of the node's volume-stats findings, faults first: a volume dashboard's pick. */
  claims: string[];
}

export interface ResolveInput {
  /** Values from the request (`var-<name>=`), taken as they are. */
  requested: Readonly<Record<string, string>>;
  node?: NodeAliases;
  builtIns: Readonly<Record<string, VariableValue>>;
}

/** The role whose target exposes a metric: node_exporter's `node_*`, cAdvisor's `container_*`, else the kubelet. */
export function roleOfMetric(metric: string | undefined): NodeRole {
  if (metric?.startsWith('node_')) return 'node-exporter';
  if (metric?.startsWith('container_') || metric?.startsWith('machine_')) return 'cadvisor';
  return 'kubelet';
}

const NODE_NAME_LABELS = new Set(['node', 'kubernetes_node', 'nodename', 'hostname', 'host', 'exported_node']);

/**
 * The node's value for a label, chosen among `candidates` (the variable query's values) where given: the
 * node's name for node labels, its target's instance or job for the metric's role, else the first value.
 */
function nodeValue(label: string, node: NodeAliases, metric: string | undefined, candidates: string[] | null): VariableValue | null {
  const role = roleOfMetric(metric);
  const own = node.targets.filter((target) => target.role === role);
  const among = (values: string[]) => (candidates === null ? values[0] : values.find((value) => candidates.includes(value)));
  if (NODE_NAME_LABELS.has(label)) {
    const named = candidates?.find((value) => value.toLowerCase() === node.name || value.toLowerCase().split('.')[0] === node.name.split('.')[0]);
    if (named || candidates === null || candidates.length === 0 || label !== 'nodename') return { value: named ?? node.name, source: 'node', note: "the node's name" };
    return { value: candidates[0]!, source: 'prometheus', note: `no ${label} value names the node; the first of ${candidates.length}` };
  }
  if (label === 'instance') {
    const instances = [...own.map((target) => target.instance), ...node.targets.map((target) => target.instance), node.name];
    const found = among(instances) ?? candidates?.find((value) => value.split(':')[0] === node.internalIp);
    if (found) return { value: found, source: 'node', note: `the instance of the node's ${role} target` };
    const mine = own[0]?.instance ?? node.targets[0]?.instance;
    if (mine) return { value: mine, source: 'node', note: `the instance of the node's ${role} target, although the variable's query does not list it (its series are missing)` };
  }
  const claim = node.claims[0];
  if (claim && metric?.startsWith('kubelet_volume_stats_') && (label === 'namespace' || label === 'persistentvolumeclaim')) {
    const [namespace, name] = claim.split('/') as [string, string];
    return { value: label === 'namespace' ? namespace : name, source: 'node', note: `the claim ${claim} of the node's volume-stats finding` };
  }
  if (label === 'job') {
    const found = among(own.map((target) => target.job));
    if (found) return { value: found, source: 'node', note: `the job of the node's ${role} target` };
  }
  return null;
}

/** Values for the variables a single query uses: the request's, the node's, or none (then unresolved). */
export function resolveQueryVariables(names: readonly string[], metric: string | undefined, input: ResolveInput): Record<string, VariableValue> {
  const values: Record<string, VariableValue> = { ...input.builtIns };
  for (const name of names) {
    if (Object.hasOwn(input.requested, name)) values[name] = { value: input.requested[name]!, source: 'request' };
    else if (Object.hasOwn(values, name)) continue;
    else if (name === 'cluster') values[name] = { value: '', source: 'node', note: 'no cluster given: matches series without a cluster label (var-cluster= picks one)' };
    else if (input.node) {
      const value = nodeValue(name, input.node, metric, null);
      if (value) values[name] = value;
    }
  }
  return values;
}

/** The first metric a selector names, for the role its variable is about. */
function metricOf(selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  try {
    return parsePromql(selector).selectors[0]?.metric ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Values for a dashboard's variables, in their order (later ones refer to earlier ones). Query variables
 * (`label_values(selector, label)`) are asked of Prometheus and the node's value picked among the answers.
 */
export async function resolveDashboardVariables(
  variables: readonly DashboardVariable[],
  input: ResolveInput,
  valuesOf: (selector: string | undefined, label: string) => Promise<string[]>,
): Promise<Record<string, VariableValue>> {
  const values: Record<string, VariableValue> = { ...input.builtIns };
  for (const variable of variables) {
    if (variable.type === 'datasource' || variable.type === 'adhoc') continue;
    if (Object.hasOwn(input.requested, variable.name)) {
      values[variable.name] = { value: input.requested[variable.name]!, source: 'request' };
      continue;
    }
    const query = variable.type === 'query' && variable.query ? labelValuesQuery(variable.query) : null;
    if (!query) {
      if (variable.saved !== undefined) values[variable.name] = { value: variable.saved, source: 'dashboard', note: "the dashboard's saved value" };
      continue;
    }
    const selector = query.selector ? substitute(query.selector, values).text : undefined;
    const candidates = (await valuesOf(selector, query.label)).sort();
    const chosen = input.node ? nodeValue(query.label, input.node, metricOf(selector), candidates) : null;
    const asked = `label_values(${selector ? `${selector}, ` : ''}${query.label})`;
    values[variable.name] = chosen ?? (candidates.length > 0 ? { value: candidates[0]!, source: 'prometheus', note: `the first of ${candidates.length} values of ${asked}` } : { value: '', source: 'prometheus', note: `${asked} has no value` });
  }
  return values;
}
