import 'server-only';
import { detectCadvisorFindings } from '@/lib/diagnosis/cadvisor';
import { detectDeviceErrors, detectPvMountsExcluded, detectRootSized, volumeOfMountpoint, type FilesystemObservation } from '@/lib/diagnosis/filesystems';
import type { Finding } from '@/lib/diagnosis/finding';
import { detectTargetFindings } from '@/lib/diagnosis/targets';
import { detectPvcStatsWrong } from '@/lib/diagnosis/pvc-stats-wrong';
import { detectVolumeStatsFindings, type ClaimOnNode, type KubeletSource } from '@/lib/diagnosis/volume-stats';
import { sourceFailure, type SourceStatus } from '@/lib/errors';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import type { KubeletClient } from '@/lib/kubelet/client';
import type { PrometheusClient, VectorSample } from '@/lib/prometheus/client';
import { matchersOf, quoteLabelValue, regexLiteral } from '@/lib/prometheus/promql';
import type { FleetNode, RoleHealth } from '@/lib/topology/fleet';
import type { JobRoles } from '@/lib/topology/targets';
import { loadFleet, loadNodeInventory } from './fleet';

/**
 * Findings for one node or for the whole fleet, from one code path: each family is gathered with a fixed
 * set of selective queries, scoped to the node's own targets (by job and instance, which every scrape
 * convention has) or, for the fleet, to nothing; the samples are then split by each node's targets and the
 * same pure detectors run per node. The fleet costs the same few queries at 7 nodes or 1000, never one per
 * node. A failing query degrades its family only; its source is marked failed with the reason.
 */

export interface NodeInvestigation {
  node: string;
  /** false: not in the inventory; null: the inventory itself could not be read. */
  found: boolean | null;
  generatedAt: string;
  /** The instant the findings describe: now, or the end of a past range. */
  evaluatedAt: string;
  findings: Finding[];
  sources: SourceStatus[];
}

type Scope = ({ kind: 'node'; node: FleetNode } | { kind: 'fleet'; kubeletJobs: string[] }) & {
  /** The instant the queries ask about; undefined: now. */
  atMs?: number;
};
type Target = RoleHealth['targets'][number];

/** The mountpoints the detectors read: the root filesystem and PV mounts (device errors are queried apart). */
const MOUNTPOINTS = 'mountpoint=~"/|/var/lib/kubelet/pods/.+"';
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

const upTarget = (health: RoleHealth) => health.targets.find((target) => target.health === 'up');
const scopeOf = (target: Target) => ({ job: target.job, instance: target.instance });
/**
 * Lookups built once per query result and reused for every node: the fleet view splits the same results
 * 1,000 ways, and filtering them once per node was most of its time.
 */
const built = new WeakMap<object, Map<string, unknown>>();
function once<T>(owner: object, key: string, build: () => T): T {
  let entries = built.get(owner);
  if (!entries) built.set(owner, (entries = new Map()));
  if (!entries.has(key)) entries.set(key, build());
  return entries.get(key) as T;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

const fromTarget = (samples: VectorSample[], target: Target | undefined) =>
  target ? (once(samples, 'by-target', () => groupBy(samples, (sample) => `${sample.labels.job}\u0000${sample.labels.instance}`)).get(`${target.job}\u0000${target.instance}`) ?? []) : [];

/**
 * A family's queries, asked in one request (see batchQuery): they succeed or fail together, and a failure
 * degrades that family only.
 */
async function queryAll<K extends string>(prometheus: PrometheusClient, queries: Record<K, string>, sources: SourceStatus[], atMs?: number): Promise<Record<K, VectorSample[]> | null> {
  const endpoint = `POST /api/v1/query, one request for: ${Object.values<string>(queries).join(' ; ')}`;
  try {
    const results = await prometheus.instantBatch(queries, atMs);
    sources.push({ source: 'prometheus', endpoint, ok: true });
    return results;
  } catch (error) {
    sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
    return null;
  }
}

function skipped(role: string, health: RoleHealth, sources: SourceStatus[]): void {
  sources.push({
    source: 'prometheus',
    endpoint: `${role} series`,
    ok: false,
    detail:
      health.health === 'unknown'
        ? `not queried: the node's ${role} target has not been scraped yet`
        : `not queried: the node's ${role} target is ${health.health === 'missing' ? 'missing' : 'down'}, so Prometheus holds no current series from it (see the target finding)`,
  });
}

/** The matchers for one role: the node's up target, none for the fleet, or null (nothing to ask). */
function roleMatchers(scope: Scope, health: (node: FleetNode) => RoleHealth, role: string, sources: SourceStatus[]): string[] | null {
  if (scope.kind === 'fleet') return [];
  const target = upTarget(health(scope.node));
  if (!target) {
    skipped(role, health(scope.node), sources);
    return null;
  }
  return matchersOf(scopeOf(target));
}

const selector = (matchers: string[]) => `{${matchers.join(',')}}`;

// ---- filesystems (node-exporter) ----

async function gatherFilesystems(prometheus: PrometheusClient, scope: Scope, sources: SourceStatus[]) {
  const target = roleMatchers(scope, (node) => node.roles['node-exporter'], 'node-exporter', sources);
  if (target === null) return null;
  const queries = {
    size: `node_filesystem_size_bytes${selector([...target, MOUNTPOINTS])}`,
    free: `node_filesystem_free_bytes${selector([...target, MOUNTPOINTS])}`,
    deviceError: `node_filesystem_device_error${selector(target)} == 1`,
    claims: 'kube_persistentvolumeclaim_resource_requests_storage_bytes * on (namespace, persistentvolumeclaim) group_left (volumename) kube_persistentvolumeclaim_info',
  };
  const results = await queryAll(prometheus, queries, sources, scope.atMs);
  return results && { results, queries };
}

function filesystemFindings(node: FleetNode, gathered: NonNullable<Awaited<ReturnType<typeof gatherFilesystems>>>, at: string, volumes: NodeVolumes | null): Finding[] {
  const exporter = upTarget(node.roles['node-exporter']);
  if (!exporter) return [];
  const { results, queries } = gathered;
  const byMountpoint = new Map<string, FilesystemObservation>();
  const observe = (sample: VectorSample) => {
    const mountpoint = sample.labels.mountpoint ?? '';
    let fs = byMountpoint.get(mountpoint);
    if (!fs) {
      fs = { device: sample.labels.device ?? '', fstype: sample.labels.fstype ?? '', mountpoint, sizeBytes: null, freeBytes: null, deviceError: false, errorText: sample.labels.device_error };
      byMountpoint.set(mountpoint, fs);
    }
    return fs;
  };
  for (const sample of fromTarget(results.size, exporter)) observe(sample).sizeBytes = sample.value;
  for (const sample of fromTarget(results.free, exporter)) observe(sample).freeBytes = sample.value;
  for (const sample of fromTarget(results.deviceError, exporter)) observe(sample).deviceError = true;
  const claimsByVolume = once(
    results.claims,
    'by-volume',
    () =>
      new Map(
        results.claims
          .filter((sample) => sample.labels.volumename)
          .map((sample) => [sample.labels.volumename!, { claim: `${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`, capacityBytes: sample.value }]),
      ),
  );
  const input = { node: node.name, at, queries: { size: queries.size, deviceError: queries.deviceError }, filesystems: [...byMountpoint.values()], claimsByVolume };
  const mountedClaims = (volumes?.claims ?? []).filter((claim) => claim.podPhase === 'Running' && (claim.plugin === 'csi' || claim.plugin === 'local')).map((claim) => claim.claim);
  const pvMountpoints = input.filesystems.filter((fs) => volumeOfMountpoint(fs.mountpoint) !== null).length;
  return [
    ...detectRootSized(input),
    ...detectDeviceErrors(input),
    ...(volumes ? detectPvMountsExcluded({ node: node.name, at, query: queries.size, mountedClaims: [...new Set(mountedClaims)], pvMountpoints }) : []),
  ];
}

// ---- cAdvisor ----

async function gatherCadvisor(prometheus: PrometheusClient, scope: Scope, sources: SourceStatus[]) {
  const target = roleMatchers(scope, (node) => node.roles.cadvisor, 'cAdvisor', sources);
  if (target === null) return null;
  const containers = [...target, 'id=~"/kubepods.+"'];
  // The kubelet's start time decides the cause; without a scraped kubelet target, say it was not consulted.
  const kubelet =
    scope.kind === 'fleet'
      ? [`job=~${quoteLabelValue(scope.kubeletJobs.map(regexLiteral).join('|') || 'kubelet')}`]
      : roleMatchers(scope, (node) => node.roles.kubelet, 'kubelet', sources);
  const queries = {
    unlabelled: `container_cpu_usage_seconds_total${selector([...containers, 'image=""'])} or container_cpu_usage_seconds_total${selector([...containers, 'name=""'])}`,
    legacy: `count by (job, instance) (container_cpu_usage_seconds_total${selector([...target, 'pod_name!=""'])})`,
    runtimeStart: `container_start_time_seconds${selector([...target, 'id=~"/system.slice/(containerd|docker|crio|cri-docker)[.]service"'])}`,
    // Without a scraped kubelet there is no start time to ask for.
    ...(kubelet ? { kubeletStart: `process_start_time_seconds${selector(kubelet)}` } : {}),
  };
  const results = await queryAll<string>(prometheus, queries, sources, scope.atMs);
  return results && { results, queries };
}

function cadvisorFindings(node: FleetNode, gathered: NonNullable<Awaited<ReturnType<typeof gatherCadvisor>>>, at: string): Finding[] {
  const cadvisor = upTarget(node.roles.cadvisor);
  if (!cadvisor) return [];
  const { results, queries } = gathered;
  const seconds = (samples: VectorSample[]) => (samples[0] ? samples[0].value * 1000 : undefined);
  return detectCadvisorFindings({
    node: node.name,
    at,
    query: queries.unlabelled,
    unlabelled: fromTarget(results.unlabelled ?? [], cadvisor),
    legacySeries: fromTarget(results.legacy ?? [], cadvisor)[0]?.value ?? 0,
    legacyQuery: queries.legacy,
    kubeletStartedAt: seconds(fromTarget(results.kubeletStart ?? [], upTarget(node.roles.kubelet))),
    runtimeStartedAt: seconds(fromTarget(results.runtimeStart ?? [], cadvisor)),
    runtimeVersion: node.containerRuntime,
    startQueries: [queries.kubeletStart, queries.runtimeStart].filter(Boolean).join('\n'),
  });
}

// ---- volume stats (kube-state-metrics, kubelet, optionally the kubelet itself) ----

function pluginOf(pv: Record<string, string> | undefined): Pick<ClaimOnNode, 'plugin' | 'csiDriver' | 'hostPath'> {
  if (!pv) return { plugin: 'unknown' };
  if (pv.csi_driver) return { plugin: 'csi', csiDriver: pv.csi_driver };
  if (pv.host_path) return { plugin: 'hostPath', hostPath: pv.host_path };
  if (pv.local_path) return { plugin: 'local' };
  return { plugin: 'other' };
}

async function gatherVolumes(prometheus: PrometheusClient, scope: Scope, sources: SourceStatus[]) {
  const pods = scope.kind === 'node' ? `kube_pod_info{node=${quoteLabelValue(scope.node.name)}}` : 'kube_pod_info';
  const queries = {
    phases: scope.kind === 'node' ? `kube_pod_status_phase == 1 and on (namespace, pod) ${pods}` : 'kube_pod_status_phase == 1',
    claims: `kube_pod_spec_volumes_persistentvolumeclaims_info * on (namespace, pod) group_left (node) ${pods}`,
    claimInfo: 'kube_persistentvolumeclaim_info',
    volumeInfo: 'kube_persistentvolume_info',
    // One gauge for both questions: which claims have stats at all, and what capacity each reports.
    stats: 'kubelet_volume_stats_capacity_bytes',
  };
  const results = await queryAll(prometheus, queries, sources, scope.atMs);
  return results && { results, queries };
}

interface NodeVolumes {
  claims: ClaimOnNode[];
  storedOnNode: Set<string>;
  driversWithStats: Set<string>;
}

/** The node-independent part of the volume results: who is where, which volume, which driver has stats. */
function volumeIndex(results: NonNullable<Awaited<ReturnType<typeof gatherVolumes>>>['results']) {
  return once(results, 'volume-index', () => {
    const phaseOf = new Map(results.phases.map((sample) => [`${sample.labels.namespace}/${sample.labels.pod}`, sample.labels.phase ?? 'Unknown']));
    const volumeOf = new Map(results.claimInfo.map((sample) => [`${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`, sample.labels.volumename ?? '']));
    const pvInfo = new Map(results.volumeInfo.map((sample) => [sample.labels.persistentvolume ?? '', sample.labels]));
    const driversWithStats = new Set(
      results.stats.map((sample) => pvInfo.get(volumeOf.get(`${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`) ?? '')?.csi_driver).filter((driver): driver is string => Boolean(driver)),
    );
    return { phaseOf, volumeOf, pvInfo, driversWithStats, claimsByNode: groupBy(results.claims, (sample) => sample.labels.node ?? '') };
  });
}

function volumesOf(node: FleetNode, gathered: NonNullable<Awaited<ReturnType<typeof gatherVolumes>>>): NodeVolumes {
  const { results } = gathered;
  const { phaseOf, volumeOf, pvInfo, driversWithStats, claimsByNode } = volumeIndex(results);
  const claims = (claimsByNode.get(node.name) ?? [])
    .map((sample): ClaimOnNode => {
      const claim = `${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`;
      const pod = `${sample.labels.namespace}/${sample.labels.pod}`;
      const volume = volumeOf.get(claim) || null;
      return { claim, pod, podPhase: phaseOf.get(pod) ?? 'Unknown', volume, ...pluginOf(volume ? pvInfo.get(volume) : undefined) };
    });
  const kubeletTarget = upTarget(node.roles.kubelet);
  const storedOnNode = new Set(fromTarget(results.stats, kubeletTarget).map((sample) => `${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`));
  return { claims, storedOnNode, driversWithStats };
}

/** Would the kubelet itself change a verdict? Only for running, measurable claims that a scraped kubelet does not store. */
function needsKubeletSource(node: FleetNode, volumes: NodeVolumes): boolean {
  return Boolean(upTarget(node.roles.kubelet)) && volumes.claims.some((claim) => !volumes.storedOnNode.has(claim.claim) && claim.podPhase === 'Running' && claim.plugin !== 'hostPath');
}

/** What the node's kubelet itself says about volume stats: its /metrics gauges and /configz period. */
async function readKubeletSource(kubeletClient: KubeletClient, node: FleetNode, sources: SourceStatus[]): Promise<KubeletSource> {
  const target = upTarget(node.roles.kubelet);
  const kubeletNode = { name: node.name, kubeletAddress: target?.scrapeUrl ? new URL(target.scrapeUrl).host : undefined };
  const [metrics, configz] = await Promise.allSettled([
    kubeletClient.read(kubeletNode, '/metrics', 'volume-stats-claims', async (body) => {
      const claims = new Set<string>();
      const scanner = new ExpositionScanner({ families: ['kubelet_volume_stats_used_bytes'], onSample: (sample) => void claims.add(`${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`) });
      for await (const chunk of body) scanner.push(chunk);
      scanner.end();
      return claims;
    }),
    kubeletClient.read(kubeletNode, '/configz', 'volume-stats-period', async (body) => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk);
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kubeletconfig?: { volumeStatsAggPeriod?: string } };
      return parsed.kubeletconfig?.volumeStatsAggPeriod;
    }),
  ]);
  const via = kubeletClient.mode === 'proxy' ? 'kube-apiserver' : 'kubelet';
  for (const [result, path] of [[metrics, '/metrics'], [configz, '/configz']] as const) {
    if (result.status === 'fulfilled') sources.push({ source: via, endpoint: `GET ${path} (${node.name})`, ok: true });
    else sources.push(sourceFailure(result.reason, { source: via, endpoint: `GET ${path} (${node.name})` }));
  }
  return {
    claimsWithStats: metrics.status === 'fulfilled' ? metrics.value : null,
    volumeStatsAggPeriod: configz.status === 'fulfilled' ? configz.value : undefined,
    endpoint: `GET /metrics (${node.name})`,
  };
}

const claimKey = (labels: Record<string, string>) => `${labels.namespace}/${labels.persistentvolumeclaim}`;

/** The claims' requested sizes, built once per query result. */
const requestedByClaim = (claims: VectorSample[]) => once(claims, 'requested', () => new Map(claims.map((sample) => [claimKey(sample.labels), sample.value])));

/** pvc-stats-wrong: the capacities this node's kubelet reports, against its root disk and the claims' requests. */
function capacityFindings(node: FleetNode, gathered: Gathered, at: string): Finding[] {
  const kubelet = upTarget(node.roles.kubelet);
  if (!gathered.volumes || !kubelet) return [];
  const exporter = upTarget(node.roles['node-exporter']);
  const root = gathered.filesystems && exporter ? fromTarget(gathered.filesystems.results.size, exporter).find((sample) => sample.labels.mountpoint === '/') : undefined;
  const requested = requestedByClaim(gathered.filesystems?.results.claims ?? []);
  return detectPvcStatsWrong({
    node: node.name,
    at,
    capacities: fromTarget(gathered.volumes.results.stats, kubelet).map((sample) => ({ claim: claimKey(sample.labels), capacityBytes: sample.value, requestedBytes: requested.get(claimKey(sample.labels)) })),
    rootSizeBytes: root?.value ?? null,
    queries: { capacity: gathered.volumes.queries.stats, rootSize: gathered.filesystems?.queries.size ?? 'node_filesystem_size_bytes{mountpoint="/"}' },
  });
}

// ---- putting it together ----

interface Gathered {
  filesystems: Awaited<ReturnType<typeof gatherFilesystems>>;
  cadvisor: Awaited<ReturnType<typeof gatherCadvisor>>;
  volumes: Awaited<ReturnType<typeof gatherVolumes>>;
}

async function gather(prometheus: PrometheusClient, scope: Scope, sources: SourceStatus[]): Promise<Gathered> {
  const [filesystems, cadvisor, volumes] = await Promise.all([gatherFilesystems(prometheus, scope, sources), gatherCadvisor(prometheus, scope, sources), gatherVolumes(prometheus, scope, sources)]);
  return { filesystems, cadvisor, volumes };
}

function findingsFor(
  node: FleetNode,
  gathered: Gathered,
  at: string,
  healthFrom: 'targets-api' | 'up-series' | 'none',
  volumes: NodeVolumes | null = gathered.volumes ? volumesOf(node, gathered.volumes) : null,
  source?: KubeletSource,
): Finding[] {
  const findings: Finding[] = [];
  if (healthFrom !== 'none') findings.push(...detectTargetFindings({ node: node.name, roles: node.roles, at, healthFrom }));
  if (gathered.filesystems) findings.push(...filesystemFindings(node, gathered.filesystems, at, volumes));
  if (gathered.cadvisor) findings.push(...cadvisorFindings(node, gathered.cadvisor, at));
  if (gathered.volumes) findings.push(...capacityFindings(node, gathered, at));
  if (gathered.volumes && volumes) {
    findings.push(
      ...detectVolumeStatsFindings({
        node: node.name,
        at,
        ...volumes,
        kubeletHealth: node.roles.kubelet.health,
        kubeletVersion: node.kubeletVersion,
        source,
        queries: { stats: gathered.volumes.queries.stats, claims: gathered.volumes.queries.claims },
      }),
    );
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
}

export interface InvestigateOptions {
  /** Reads the node's kubelet itself where that decides a cause (GAPSCOPE_KUBELET_MODE). */
  kubelet?: KubeletClient | null;
  now?: number;
  /** The instant to evaluate at (the end of the selected range); default now. */
  atMs?: number;
  /** GAPSCOPE_JOB_ROLES. */
  jobRoles?: JobRoles;
  /** See FleetOptions.maxAgeMs. */
  inventoryMaxAgeMs?: number;
}

/** Within this of now, an instant counts as now: live sources (targets API, kubelet) describe it. */
export const LIVE_WINDOW_MS = 60_000;

export async function investigateNode(prometheus: PrometheusClient, name: string, { kubelet: kubeletClient = null, now = Date.now(), atMs, jobRoles, inventoryMaxAgeMs }: InvestigateOptions = {}): Promise<NodeInvestigation> {
  const generatedAt = new Date(now).toISOString();
  const live = atMs === undefined || now - atMs <= LIVE_WINDOW_MS;
  const at = live ? undefined : atMs;
  const evaluatedAt = new Date(at ?? now).toISOString();
  const inventory = { jobRoles, maxAgeMs: inventoryMaxAgeMs };
  const fleet = at === undefined ? await loadNodeInventory(prometheus, name, inventory) : await loadFleet(prometheus, { ...inventory, atMs: at });
  const sources = [...fleet.sources];
  if (fleet.nodes === null) return { node: name, found: null, generatedAt, evaluatedAt, findings: [], sources };
  let node = fleet.nodes.find((candidate) => candidate.name === name);
  if (!node) return { node: name, found: false, generatedAt, evaluatedAt, findings: [], sources };
  const gathered = await gather(prometheus, { kind: 'node', node, atMs: at }, sources);
  const volumes = gathered.volumes ? volumesOf(node, gathered.volumes) : null;
  let source: KubeletSource | undefined;
  if (kubeletClient && volumes && needsKubeletSource(node, volumes)) {
    // `up` series carry no scrape URL; the targets list has the address the kubelet is scraped at.
    if (live && !upTarget(node.roles.kubelet)?.scrapeUrl) node = (await loadFleet(prometheus, inventory)).nodes?.find((candidate) => candidate.name === name) ?? node;
    if (live) source = await readKubeletSource(kubeletClient, node, sources);
    else sources.push({ source: kubeletClient.mode === 'proxy' ? 'kube-apiserver' : 'kubelet', endpoint: `GET /metrics, /configz (${node.name})`, ok: false, detail: `not read: the kubelet tells how it is now, not at ${evaluatedAt}` });
  }
  return { node: name, found: true, generatedAt, evaluatedAt, findings: findingsFor(node, gathered, evaluatedAt, fleet.healthFrom, volumes, source), sources };
}

export interface FamilyCount {
  /** Findings of the family that need fixing. */
  faults: number;
  expectedByDesign: number;
  /** The worst severity among the faults; null when there are only findings expected by design. */
  worstSeverity: Finding['severity'] | null;
}

export interface FleetNodeSummary {
  name: string;
  internalIp: string;
  kubeletVersion: string;
  containerRuntime: string;
  targets: Record<keyof FleetNode['roles'], RoleHealth['health']>;
  /** Distinct last scrape errors per role, where a target is down. */
  lastErrors: Partial<Record<keyof FleetNode['roles'], string[]>>;
  counts: { total: number; expectedByDesign: number; bySeverity: Record<Finding['severity'], number>; byKind: Partial<Record<Finding['kind'], number>> };
  families: Partial<Record<Finding['family'], FamilyCount>>;
  worstSeverity: Finding['severity'] | null;
}

export interface FleetInvestigation {
  generatedAt: string;
  nodes: FleetNodeSummary[] | null;
  sources: SourceStatus[];
}

/**
 * Every node with its findings counted by kind and severity, from stored data only: the kubelet-side
 * causes of missing volume stats need a read per node and appear in the node's own findings.
 */
export async function investigateFleet(prometheus: PrometheusClient, { now = Date.now(), jobRoles, inventoryMaxAgeMs }: Pick<InvestigateOptions, 'now' | 'jobRoles' | 'inventoryMaxAgeMs'> = {}): Promise<FleetInvestigation> {
  const generatedAt = new Date(now).toISOString();
  const fleet = await loadFleet(prometheus, { jobRoles, maxAgeMs: inventoryMaxAgeMs });
  const sources = [...fleet.sources];
  if (fleet.nodes === null) return { generatedAt, nodes: null, sources };
  const kubeletJobs = [...new Set(fleet.nodes.flatMap((node) => node.roles.kubelet.targets.map((target) => target.job)))];
  const gathered = await gather(prometheus, { kind: 'fleet', kubeletJobs }, sources);
  const nodes = fleet.nodes.map((node): FleetNodeSummary => {
    const findings = findingsFor(node, gathered, generatedAt, fleet.healthFrom);
    const bySeverity = { critical: 0, warning: 0, info: 0 };
    const byKind: FleetNodeSummary['counts']['byKind'] = {};
    const families: FleetNodeSummary['families'] = {};
    // Findings come sorted worst first, so a family's first fault carries its worst severity.
    for (const finding of findings) {
      bySeverity[finding.severity]++;
      byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
      const family = (families[finding.family] ??= { faults: 0, expectedByDesign: 0, worstSeverity: null });
      if (finding.expectedByDesign) family.expectedByDesign++;
      else {
        family.faults++;
        family.worstSeverity ??= finding.severity;
      }
    }
    const lastErrors: FleetNodeSummary['lastErrors'] = {};
    for (const [role, health] of Object.entries(node.roles) as [keyof FleetNode['roles'], RoleHealth][]) {
      const errors = [...new Set(health.targets.map((target) => target.lastError).filter(Boolean))];
      if (errors.length > 0) lastErrors[role] = errors;
    }
    return {
      name: node.name,
      internalIp: node.internalIp,
      kubeletVersion: node.kubeletVersion,
      containerRuntime: node.containerRuntime,
      targets: { kubelet: node.roles.kubelet.health, cadvisor: node.roles.cadvisor.health, 'node-exporter': node.roles['node-exporter'].health },
      lastErrors,
      counts: { total: findings.length, expectedByDesign: findings.filter((finding) => finding.expectedByDesign).length, bySeverity, byKind },
      families,
      worstSeverity: findings.find((finding) => !finding.expectedByDesign)?.severity ?? null,
    };
  });
  return { generatedAt, nodes, sources };
}
