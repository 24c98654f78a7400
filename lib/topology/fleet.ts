import { NODE_ROLES, indexNodes, nodeOfTarget, roleOfTarget, type JobRoles, type TargetLike } from './targets';

/**
 * The fleet list: every node kube-state-metrics knows, with the health of the targets that should scrape
 * it, as Prometheus sees them. PURE: rows and targets in, view data out.
 */

export type NodeRole = (typeof NODE_ROLES)[number];
export type Health = 'up' | 'down' | 'unknown' | 'missing';

export interface FleetTarget extends TargetLike {
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  discoveredAddress?: string;
}

export interface RoleHealth {
  health: Health;
  /** Every target of that role for the node (a node can be scraped twice, e.g. by two jobs). */
  /** `pool`: the scrape job's job_name, where the targets API told it (`up` series do not). */
  targets: { instance: string; job: string; pool?: string; scrapeUrl?: string; discoveredAddress?: string; labels: Record<string, string>; health: 'up' | 'down' | 'unknown'; lastError: string }[];
}

export interface FleetNode {
  name: string;
  internalIp: string;
  kubeletVersion: string;
  containerRuntime: string;
  /** kube_node_info's os_image ("Windows Server 2022 Datacenter"); absent where unknown. */
  osImage?: string;
  roles: Record<NodeRole, RoleHealth>;
}

export interface NodeInfoRow {
  name: string;
  internalIp: string;
  kubeletVersion: string;
  containerRuntime: string;
  osImage?: string;
}

/** kube_node_info series -> one row per node (two KSM replicas or shards give duplicate series). */
export function nodeRowsFromInfo(series: readonly { labels: Record<string, string> }[]): NodeInfoRow[] {
  const rows = new Map<string, NodeInfoRow>();
  for (const { labels } of series) {
    // Scraped without honor_labels, the node's name is exported_node (`node` is kube-state-metrics' own).
    const name = labels.exported_node || labels.node;
    if (!name || rows.has(name)) continue;
    rows.set(name, {
      name,
      internalIp: labels.internal_ip ?? '',
      kubeletVersion: labels.kubelet_version ?? '',
      containerRuntime: labels.container_runtime_version ?? '',
      ...(labels.os_image ? { osImage: labels.os_image } : {}),
    });
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** The worst health wins: one down target makes the role down. */
export function combineHealth(targets: RoleHealth['targets']): Health {
  if (targets.length === 0) return 'missing';
  if (targets.some((target) => target.health === 'down')) return 'down';
  if (targets.some((target) => target.health === 'unknown')) return 'unknown';
  return 'up';
}

export interface TopologyHints {
  jobRoles?: JobRoles;
  /** node_uname_info's nodename by "job/instance", for targets nothing else ties to a node. */
  unameNodenames?: ReadonlyMap<string, string>;
}

export const targetKey = (labels: Record<string, string>) => `${labels.job ?? ''}/${labels.instance ?? ''}`;

export function assembleFleet(rows: readonly NodeInfoRow[], targets: readonly FleetTarget[], hints: TopologyHints = {}): { nodes: FleetNode[]; unmatchedTargets: number } {
  const index = indexNodes(rows.map((row) => ({ name: row.name, internalIp: row.internalIp })));
  const byNode = new Map<string, Record<NodeRole, RoleHealth['targets']>>();
  let unmatchedTargets = 0;
  for (const target of targets) {
    const role = roleOfTarget(target, hints.jobRoles);
    if (role === null || role === 'kube-state-metrics') continue;
    const node = nodeOfTarget(target, index, hints.unameNodenames?.get(targetKey(target.labels)));
    if (!node) {
      unmatchedTargets++;
      continue;
    }
    const roles = byNode.get(node) ?? { kubelet: [], cadvisor: [], 'node-exporter': [] };
    roles[role].push({ instance: target.labels.instance ?? '', job: target.labels.job ?? '', ...(target.pool ? { pool: target.pool } : {}), scrapeUrl: target.scrapeUrl, ...(target.discoveredAddress ? { discoveredAddress: target.discoveredAddress } : {}), labels: target.labels, health: target.health, lastError: target.lastError });
    byNode.set(node, roles);
  }
  const nodes = rows.map((row) => {
    const found = byNode.get(row.name);
    const roles = Object.fromEntries(
      NODE_ROLES.map((role) => {
        const list = found?.[role] ?? [];
        return [role, { health: combineHealth(list), targets: list }];
      }),
    ) as Record<NodeRole, RoleHealth>;
    return { ...row, roles };
  });
  return { nodes, unmatchedTargets };
}
