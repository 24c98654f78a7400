import 'server-only';
import { sourceFailure, UpstreamError, type SourceStatus } from '@/lib/errors';
import type { PrometheusClient } from '@/lib/prometheus/client';
import { assembleFleet, nodeRowsFromInfo, type FleetNode, type FleetTarget } from '@/lib/topology/fleet';

export interface FleetView {
  /** null when the node inventory itself could not be read. */
  nodes: FleetNode[] | null;
  unmatchedTargets: number;
  /** How target health was learned: the targets API (with last errors) or `up` series (Thanos, Mimir). */
  healthFrom: 'targets-api' | 'up-series' | 'none';
  sources: SourceStatus[];
}

export const NODE_INFO_QUERY = 'kube_node_info';
export const UP_QUERY = 'up';

/** Target health from `up` where there is no targets API: no last error, but up or down per series. */
async function healthFromUp(prometheus: PrometheusClient, atMs?: number): Promise<FleetTarget[]> {
  const series = await prometheus.instantQuery(UP_QUERY, atMs);
  return series.map((sample) => ({ labels: sample.labels, health: sample.value === 1 ? 'up' : 'down', lastError: '' }));
}

/**
 * Two requests whatever the fleet size: kube_node_info and the targets list (or `up` where it is missing).
 * At a past instant (`atMs`), health comes from `up` at that instant: the targets API only tells about now.
 */
export async function loadFleet(prometheus: PrometheusClient, atMs?: number): Promise<FleetView> {
  const sources: SourceStatus[] = [];
  if (atMs !== undefined) return loadPastFleet(prometheus, atMs);
  const [info, targets] = await Promise.allSettled([prometheus.instantQuery(NODE_INFO_QUERY), prometheus.targets()]);

  let fleetTargets: FleetTarget[] = [];
  let healthFrom: FleetView['healthFrom'] = 'targets-api';
  if (targets.status === 'fulfilled') {
    fleetTargets = targets.value;
    sources.push({ source: 'prometheus', endpoint: 'GET /api/v1/targets', ok: true });
  } else if (targets.reason instanceof UpstreamError && targets.reason.kind === 'unsupported') {
    try {
      fleetTargets = await healthFromUp(prometheus);
      healthFrom = 'up-series';
      sources.push({ source: 'prometheus', endpoint: `POST /api/v1/query ${UP_QUERY}`, ok: true, detail: 'no targets API here; health comes from `up` series, without last errors' });
    } catch (error) {
      healthFrom = 'none';
      sources.push(sourceFailure(error, { source: 'prometheus', endpoint: `POST /api/v1/query ${UP_QUERY}` }));
    }
  } else {
    healthFrom = 'none';
    sources.push(sourceFailure(targets.reason, { source: 'prometheus', endpoint: 'GET /api/v1/targets' }));
  }

  return withInventory(info, fleetTargets, healthFrom, sources);
}

async function loadPastFleet(prometheus: PrometheusClient, atMs: number): Promise<FleetView> {
  const sources: SourceStatus[] = [];
  const [info, up] = await Promise.allSettled([prometheus.instantQuery(NODE_INFO_QUERY, atMs), healthFromUp(prometheus, atMs)]);
  const endpoint = `POST /api/v1/query ${UP_QUERY} at ${new Date(atMs).toISOString()}`;
  if (up.status === 'rejected') {
    sources.push(sourceFailure(up.reason, { source: 'prometheus', endpoint }));
    return withInventory(info, [], 'none', sources);
  }
  sources.push({ source: 'prometheus', endpoint, ok: true, detail: 'a past instant: health comes from `up` series, without last errors (the targets API only tells about now)' });
  return withInventory(info, up.value, 'up-series', sources);
}

function withInventory(info: PromiseSettledResult<Awaited<ReturnType<PrometheusClient['instantQuery']>>>, fleetTargets: FleetTarget[], healthFrom: FleetView['healthFrom'], sources: SourceStatus[]): FleetView {
  if (info.status === 'rejected') {
    sources.unshift(sourceFailure(info.reason, { source: 'prometheus', endpoint: `POST /api/v1/query ${NODE_INFO_QUERY}` }));
    return { nodes: null, unmatchedTargets: 0, healthFrom, sources };
  }
  const rows = nodeRowsFromInfo(info.value);
  sources.unshift({
    source: 'prometheus',
    endpoint: `POST /api/v1/query ${NODE_INFO_QUERY}`,
    ok: true,
    ...(rows.length === 0 ? { detail: 'no kube_node_info series: is kube-state-metrics scraped?' } : {}),
  });
  const { nodes, unmatchedTargets } = assembleFleet(rows, fleetTargets);
  return { nodes, unmatchedTargets, healthFrom, sources };
}
