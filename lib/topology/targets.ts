/**
 * Which role a scrape target plays and which node it belongs to, from its labels alone. PURE.
 *
 * Clusters label targets in different conventions; all of these must work with no configuration:
 * - kube-prometheus: `job="kubelet"` + `metrics_path="/metrics/cadvisor"`, a `node` label, node-exporter's
 *   `instance` rewritten to the node name;
 * - hand-written kubernetes_sd_configs: `job="kubernetes-nodes"` / `"kubernetes-cadvisor"`, `instance` =
 *   "host:port", node labels copied with labelmap (`kubernetes_io_hostname`);
 * - Helm's prometheus chart: `job="kubernetes-service-endpoints"` with `app_kubernetes_io_name`.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
 */

export type TargetRole = 'kubelet' | 'cadvisor' | 'node-exporter' | 'kube-state-metrics';
export const NODE_ROLES = ['kubelet', 'cadvisor', 'node-exporter'] as const satisfies readonly TargetRole[];

export interface TargetLike {
  labels: Record<string, string>;
  /** The scrape URL where known (the targets API has it; `up` series do not). */
  scrapeUrl?: string;
  pool?: string;
}

/** "host:port" of a scrape URL, with the scheme's default port; null when it is no URL. */
export function addressOfUrl(scrapeUrl: string): string | null {
  try {
    const url = new URL(scrapeUrl);
    return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return null;
  }
}

/** The path a target scrapes: its `metrics_path` label, else its scrape URL's path; '' when neither tells. */
export function pathOf(target: TargetLike): string {
  if (target.labels.metrics_path) return target.labels.metrics_path;
  if (!target.scrapeUrl) return '';
  try {
    return new URL(target.scrapeUrl).pathname;
  } catch {
    return '';
  }
}

/** Roles for jobs whose names do not tell, from GAPSCOPE_JOB_ROLES; they win over the conventions. */
export type JobRoles = Readonly<Record<string, TargetRole>>;

export function roleOfTarget(target: TargetLike, jobRoles: JobRoles = {}): TargetRole | null {
  const configured = jobRoles[target.labels.job ?? ''];
  if (configured) return configured;
  const job = (target.labels.job ?? '').toLowerCase();
  const app = (target.labels.app_kubernetes_io_name ?? target.labels.app ?? target.labels.service ?? '').toLowerCase();
  const path = pathOf(target);
  const names = `${job} ${app} ${(target.pool ?? '').toLowerCase()}`;
  if (/kube-state-metrics/.test(names)) return 'kube-state-metrics';
  if (/node[-_]?exporter/.test(names)) return 'node-exporter';
  if (path.endsWith('/metrics/cadvisor') || /cadvisor/.test(job)) return 'cadvisor';
  // The kubelet's other paths (/metrics/probes, /metrics/resource) are not what gapscope compares.
  if (/kubelet|kubernetes-nodes/.test(names) && (path === '' || path.endsWith('/metrics'))) return 'kubelet';
  return null;
}

export interface NodeRef {
  name: string;
  internalIp?: string;
}

export interface NodeIndex {
  byName: Map<string, string>;
  byIp: Map<string, string>;
}

export function indexNodes(nodes: readonly NodeRef[]): NodeIndex {
  const index: NodeIndex = { byName: new Map(), byIp: new Map() };
  for (const node of nodes) {
    index.byName.set(node.name, node.name);
    if (node.internalIp) index.byIp.set(node.internalIp, node.name);
  }
  return index;
}

/** "10.0.0.5:9100" -> "10.0.0.5"; "[fd00::1]:10250" -> "fd00::1"; "node-a" -> "node-a". */
export function hostOf(instance: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (bracketed?.[1]) return bracketed[1];
  const colon = instance.lastIndexOf(':');
  return colon > 0 && instance.indexOf(':') === colon ? instance.slice(0, colon) : instance;
}

/**
 * The node a target scrapes, by the first of: a node label, a labelmapped hostname, instance = name, instance
 * host = InternalIP, and last the `nodename` its own node_uname_info reports (`unameNodename`).
 */
export function nodeOfTarget(target: TargetLike, index: NodeIndex, unameNodename?: string): string | null {
  const labels = target.labels;
  for (const candidate of [labels.node, labels.kubernetes_io_hostname, labels.nodename]) {
    if (candidate && index.byName.has(candidate)) return candidate;
  }
  const hosts = [labels.instance, target.scrapeUrl ? safeHost(target.scrapeUrl) : undefined].filter((host): host is string => Boolean(host));
  for (const host of hosts.map(hostOf)) {
    const byName = index.byName.get(host);
    if (byName) return byName;
    const byIp = index.byIp.get(host);
    if (byIp) return byIp;
  }
  // uname's nodename is the host name, which is the node name unless the kubelet was given --hostname-override.
  if (unameNodename && index.byName.has(unameNodename)) return unameNodename;
  return null;
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
