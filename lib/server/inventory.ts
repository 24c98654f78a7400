import 'server-only';
import { sourceFailure, UpstreamError, type SourceStatus } from '@/lib/errors';
import type { PrometheusClient, TargetHealth, VectorSample } from '@/lib/prometheus/client';
import { assembleFleet, nodeRowsFromInfo, targetKey, type FleetNode, type FleetTarget } from '@/lib/topology/fleet';
import { quoteLabelValue, regexLiteral } from '@/lib/prometheus/promql';
import type { JobRoles } from '@/lib/topology/targets';
import { sharedFor } from './shared-for';

export interface FleetView {
  /** null when the node inventory itself could not be read. */
  nodes: FleetNode[] | null;
  unmatchedTargets: number;
  /** How target health was learned: the targets API (with last errors) or `up` series (Thanos, Mimir). */
  healthFrom: 'targets-api' | 'up-series' | 'none';
  sources: SourceStatus[];
  /**
   * Set while Prometheus started less than two scrape intervals ago: a role without a target may simply not
   * be discovered or scraped yet, so it is not reported missing.
   */
  notScrapedYet?: { startedAtMs: number; scrapeIntervalMs: number };
}

export const NODE_INFO_QUERY = 'kube_node_info';

/** Whether kube-state-metrics was scraped without honor_labels: its objects' labels stored as exported_*. */
export const KSM_EXPORTED_QUERY = 'group(kube_pod_info{exported_namespace!=""} or kube_pod_info{exported_node!=""} or kube_node_info{exported_node!=""})';
export const UP_QUERY = 'up';
export const UNAME_QUERY = 'node_uname_info';

export interface FleetOptions {
  /** A past instant to describe; undefined: now. */
  atMs?: number;
  /** GAPSCOPE_JOB_ROLES. */
  jobRoles?: JobRoles;
  /**
   * Share the live inventory for this long (GAPSCOPE_FLEET_CACHE_TTL): every page and route starts with the
   * same two requests, and at 1,000 nodes the targets list alone is megabytes. 0: ask every time.
   */
  maxAgeMs?: number;
  /**
   * The endpoint was found to list no targets (a store fed by remote write: lib/server/capabilities.ts):
   * health comes from `up` without asking for the targets list first, one request less per load.
   */
  noTargetsApi?: boolean;
}

const sharedInventories = new WeakMap<PrometheusClient, Map<string, ReturnType<typeof sharedFor<FleetView>>>>();

function sharedInventory(prometheus: PrometheusClient, jobRoles: JobRoles) {
  let byRoles = sharedInventories.get(prometheus);
  if (!byRoles) sharedInventories.set(prometheus, (byRoles = new Map()));
  const key = JSON.stringify(jobRoles);
  let shared = byRoles.get(key);
  if (!shared) byRoles.set(key, (shared = sharedFor<FleetView>()));
  return shared;
}

/** Target health from `up` where there is no targets API: no last error, but up or down per series. */
async function healthFromUp(prometheus: PrometheusClient, atMs?: number): Promise<FleetTarget[]> {
  const series = await prometheus.instantQuery(UP_QUERY, atMs);
  return series.map((sample) => ({ labels: sample.labels, health: sample.value === 1 ? 'up' : 'down', lastError: '' }));
}

/**
 * Two requests whatever the fleet size: kube_node_info and the targets list (or `up` where it is missing).
 * At a past instant (`atMs`), health comes from `up` at that instant: the targets API only tells about now.
 */
export async function loadFleet(prometheus: PrometheusClient, { atMs, jobRoles = {}, maxAgeMs = 0, noTargetsApi = false }: FleetOptions = {}): Promise<FleetView> {
  if (atMs !== undefined) return loadPastFleet(prometheus, atMs, jobRoles);
  if (maxAgeMs > 0) return sharedInventory(prometheus, jobRoles)(maxAgeMs, Date.now(), () => loadLiveFleet(prometheus, jobRoles, noTargetsApi));
  return loadLiveFleet(prometheus, jobRoles, noTargetsApi);
}

async function loadLiveFleet(prometheus: PrometheusClient, jobRoles: JobRoles, knownWithoutTargets: boolean): Promise<FleetView> {
  const sources: SourceStatus[] = [];
  const [info, targets] = await Promise.allSettled([prometheus.instantQuery(NODE_INFO_QUERY), knownWithoutTargets ? Promise.resolve([]) : prometheus.targets()]);

  let fleetTargets: FleetTarget[] = [];
  let healthFrom: FleetView['healthFrom'] = 'targets-api';
  // A store fed by remote write (VictoriaMetrics, from its agents) answers the targets API with an empty list:
  // it scrapes nothing itself. Read like a store without the API: from `up`.
  const noTargetsApi = targets.status === 'fulfilled' ? targets.value.length === 0 : targets.reason instanceof UpstreamError && targets.reason.kind === 'unsupported';
  if (targets.status === 'fulfilled' && !noTargetsApi) {
    fleetTargets = targets.value;
    sources.push({ source: 'prometheus', endpoint: 'GET /api/v1/targets', ok: true });
  } else if (noTargetsApi) {
    try {
      fleetTargets = await healthFromUp(prometheus);
      healthFrom = 'up-series';
      const why = knownWithoutTargets
        ? 'the store was found to list no targets (a store fed by remote write scrapes nothing itself), so the list was not asked'
        : targets.status === 'fulfilled'
          ? 'the targets API lists no target (a store fed by remote write scrapes nothing itself)'
          : 'no targets API here';
      sources.push({ source: 'prometheus', endpoint: `POST /api/v1/query ${UP_QUERY}`, ok: true, detail: `${why}; health comes from \`up\` series, without last errors` });
    } catch (error) {
      healthFrom = 'none';
      sources.push(sourceFailure(error, { source: 'prometheus', endpoint: `POST /api/v1/query ${UP_QUERY}` }));
    }
  } else if (targets.status === 'rejected') {
    healthFrom = 'none';
    sources.push(sourceFailure(targets.reason, { source: 'prometheus', endpoint: 'GET /api/v1/targets' }));
  }

  const view = await withInventory(prometheus, info, fleetTargets, healthFrom, sources, jobRoles);
  return withWarmUp(prometheus, view, targets.status === 'fulfilled' ? targets.value : []);
}

/**
 * Only when some node lacks a target for a role: did Prometheus start less than two scrape intervals ago?
 * Right after a start, service discovery has not produced every target yet; that is no missing target.
 */
async function withWarmUp(prometheus: PrometheusClient, view: FleetView, targets: readonly TargetHealth[]): Promise<FleetView> {
  const intervals = targets.map((target) => target.scrapeIntervalMs).filter((ms): ms is number => ms !== undefined);
  if (intervals.length === 0 || !view.nodes?.some((node) => Object.values(node.roles).some((role) => role.health === 'missing'))) return view;
  const scrapeIntervalMs = Math.max(...intervals);
  const endpoint = 'GET /api/v1/status/runtimeinfo';
  try {
    const startedAtMs = await prometheus.startedAt();
    const sinceMs = Date.now() - startedAtMs;
    if (sinceMs >= 2 * scrapeIntervalMs) return { ...view, sources: [...view.sources, { source: 'prometheus', endpoint, ok: true }] };
    return {
      ...view,
      notScrapedYet: { startedAtMs, scrapeIntervalMs },
      sources: [...view.sources, { source: 'prometheus', endpoint, ok: true, detail: `Prometheus started ${Math.round(sinceMs / 1000)} s ago, less than two scrape intervals (${scrapeIntervalMs / 1000} s): targets not discovered or scraped yet are not reported missing` }],
    };
  } catch (error) {
    return { ...view, sources: [...view.sources, sourceFailure(error, { source: 'prometheus', endpoint })] };
  }
}

async function loadPastFleet(prometheus: PrometheusClient, atMs: number, jobRoles: JobRoles): Promise<FleetView> {
  const sources: SourceStatus[] = [];
  const [info, up] = await Promise.allSettled([prometheus.instantQuery(NODE_INFO_QUERY, atMs), healthFromUp(prometheus, atMs)]);
  const endpoint = `POST /api/v1/query ${UP_QUERY} at ${new Date(atMs).toISOString()}`;
  if (up.status === 'rejected') {
    sources.push(sourceFailure(up.reason, { source: 'prometheus', endpoint }));
    return withInventory(prometheus, info, [], 'none', sources, jobRoles, atMs);
  }
  sources.push({ source: 'prometheus', endpoint, ok: true, detail: 'a past instant: health comes from `up` series, without last errors (the targets API only tells about now)' });
  return withInventory(prometheus, info, await withDiscoveredAddresses(prometheus, up.value, sources), 'up-series', sources, jobRoles, atMs);
}

/**
 * Only when a target was down at the past instant: the addresses node discovery gives the targets now, one
 * request. Where kubelets are scraped through the API server's proxy, a kubelet's own address is only there,
 * and it is what tells a node-exporter target on the kubelet's port (`wrong-port`). The address is taken as
 * discovered now: a kubelet's port rarely moves.
 */
async function withDiscoveredAddresses(prometheus: PrometheusClient, targets: FleetTarget[], sources: SourceStatus[]): Promise<FleetTarget[]> {
  if (!targets.some((target) => target.health === 'down')) return targets;
  const endpoint = 'GET /api/v1/targets';
  let live: TargetHealth[];
  try {
    live = await prometheus.targets();
  } catch (error) {
    // Thanos Query and Mimir have no targets API: `up` is all there is, as at any instant.
    if (!(error instanceof UpstreamError && error.kind === 'unsupported')) sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
    return targets;
  }
  sources.push({ source: 'prometheus', endpoint, ok: true, detail: 'a target was down at that instant: the addresses node discovery gives now tell where a kubelet scraped through the API server listens' });
  const discovered = new Map(live.flatMap((target) => (target.discoveredAddress ? [[targetKey(target.labels), target.discoveredAddress] as const] : [])));
  return targets.map((target) => {
    const address = discovered.get(targetKey(target.labels));
    return address ? { ...target, discoveredAddress: address } : target;
  });
}

async function withInventory(
  prometheus: PrometheusClient,
  info: PromiseSettledResult<Awaited<ReturnType<PrometheusClient['instantQuery']>>>,
  fleetTargets: FleetTarget[],
  healthFrom: FleetView['healthFrom'],
  sources: SourceStatus[],
  jobRoles: JobRoles,
  atMs?: number,
): Promise<FleetView> {
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
  const assembled = assembleFleet(rows, fleetTargets, { jobRoles });
  if (assembled.unmatchedTargets === 0) return { ...assembled, healthFrom, sources };
  // Some node targets name no node gapscope can recognize: ask each exporter its host name, once.
  try {
    const uname = await prometheus.instantQuery(UNAME_QUERY, atMs);
    sources.push({ source: 'prometheus', endpoint: `POST /api/v1/query ${UNAME_QUERY}`, ok: true, detail: `${assembled.unmatchedTargets} targets named no known node; node_uname_info's nodename was tried` });
    const unameNodenames = new Map(uname.filter((sample) => sample.labels.nodename).map((sample) => [targetKey(sample.labels), sample.labels.nodename!]));
    return { ...assembleFleet(rows, fleetTargets, { jobRoles, unameNodenames }), healthFrom, sources };
  } catch (error) {
    sources.push(sourceFailure(error, { source: 'prometheus', endpoint: `POST /api/v1/query ${UNAME_QUERY}` }));
    return { ...assembled, healthFrom, sources };
  }
}

/** `instance` written as the node's name or address, with or without a port, for `up` and range queries. */
export function nodeHostRegex(node: { name: string; internalIp: string }): string {
  const hosts = [node.name, node.internalIp].filter(Boolean).map(regexLiteral);
  return quoteLabelValue(`(${hosts.join('|')})(:[0-9]+)?`);
}

/**
 * The node's own kube_node_info series: one small query that tells whether the inventory knows it. By its
 * `exported_node` where kube-state-metrics was scraped without honor_labels (`node` is then its own node's).
 */
export const nodeInfoQuery = (name: string) => `kube_node_info{node=${quoteLabelValue(name)},exported_node=""} or kube_node_info{exported_node=${quoteLabelValue(name)}}`;

/**
 * Whether kube-state-metrics knew the node at a past instant, from its own kube_node_info series: one small
 * request, so that an unknown node costs no fleet-wide work. null: the question itself failed.
 */
export async function nodeKnownAt(prometheus: PrometheusClient, name: string, atMs: number): Promise<{ known: boolean | null; source: SourceStatus }> {
  const query = nodeInfoQuery(name);
  const endpoint = `POST /api/v1/query ${query} at ${new Date(atMs).toISOString()}`;
  try {
    const known = (await prometheus.instantQuery(query, atMs)).length > 0;
    return { known, source: { source: 'prometheus', endpoint, ok: true } };
  } catch (error) {
    return { known: null, source: sourceFailure(error, { source: 'prometheus', endpoint }) };
  }
}

/**
 * One node's inventory without the fleet-wide targets list, which is megabytes at 1,000 nodes: its own
 * kube_node_info series, then the `up` series of the targets that scrape it. Only when a role of the node is
 * not up (down, missing, or not scraped yet) is the full list read (loadFleet), for the last errors that
 * tell why and for the targets that `up` cannot show. Two small requests for a healthy node, at any size.
 */
export async function loadNodeInventory(
  prometheus: PrometheusClient,
  name: string,
  options: Omit<FleetOptions, 'atMs'> & { readInfo?: () => Promise<VectorSample[]> } = {},
): Promise<FleetView> {
  const infoQuery = nodeInfoQuery(name);
  let rows;
  try {
    rows = nodeRowsFromInfo(await (options.readInfo ?? (() => prometheus.instantQuery(infoQuery)))());
  } catch (error) {
    // Asking again for the whole fleet would only wait for the same failure twice.
    return { nodes: null, unmatchedTargets: 0, healthFrom: 'none', sources: [sourceFailure(error, { source: 'prometheus', endpoint: `POST /api/v1/query ${infoQuery}` })] };
  }
  const row = rows[0];
  if (!row) return { nodes: [], unmatchedTargets: 0, healthFrom: 'none', sources: [{ source: 'prometheus', endpoint: `POST /api/v1/query ${infoQuery}`, ok: true }] };
  const upQuery = `up{instance=~${nodeHostRegex(row)}} or up{node=${quoteLabelValue(name)}}`;
  try {
    const up = await prometheus.instantQuery(upQuery);
    const targets = up.map((sample): FleetTarget => ({ labels: sample.labels, health: sample.value === 1 ? 'up' : 'down', lastError: '' }));
    const node = assembleFleet([row], targets, { jobRoles: options.jobRoles }).nodes[0]!;
    if (Object.values(node.roles).every((role) => role.health === 'up')) {
      return {
        nodes: [node],
        unmatchedTargets: 0,
        healthFrom: 'up-series',
        sources: [
          { source: 'prometheus', endpoint: `POST /api/v1/query ${infoQuery}`, ok: true },
          { source: 'prometheus', endpoint: `POST /api/v1/query ${upQuery}`, ok: true, detail: "every target of the node is up: the fleet's targets list was not needed" },
        ],
      };
    }
  } catch {
    // The full inventory below says what failed.
  }
  return loadFleet(prometheus, options);
}
