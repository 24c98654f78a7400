import 'server-only';
import { detectCadvisorFindings } from '@/lib/diagnosis/cadvisor';
import { detectDeviceErrors, detectRootSized, type FilesystemObservation } from '@/lib/diagnosis/filesystems';
import type { Finding } from '@/lib/diagnosis/finding';
import { detectTargetFindings } from '@/lib/diagnosis/targets';
import { detectVolumeStatsFindings, type ClaimOnNode, type KubeletSource } from '@/lib/diagnosis/volume-stats';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import type { KubeletClient } from '@/lib/kubelet/client';
import { sourceFailure, type SourceStatus } from '@/lib/errors';
import type { PrometheusClient, VectorSample } from '@/lib/prometheus/client';
import { quoteLabelValue, selectorOf } from '@/lib/prometheus/promql';
import type { FleetNode, RoleHealth } from '@/lib/topology/fleet';
import { loadFleet } from './fleet';

/**
 * Findings for one node: the fleet's two requests (inventory and targets), then a few selective queries
 * scoped to this node's own targets by their job and instance labels, which every scrape convention has.
 * A failing query degrades its family only; its source is marked failed with the reason.
 */

export interface NodeInvestigation {
  node: string;
  /** false: not in the inventory; null: the inventory itself could not be read. */
  found: boolean | null;
  generatedAt: string;
  findings: Finding[];
  sources: SourceStatus[];
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

function upTarget(health: RoleHealth) {
  return health.targets.find((target) => target.health === 'up');
}

function scopeOf(target: { job: string; instance: string }) {
  return { job: target.job, instance: target.instance };
}

async function queryAll(prometheus: PrometheusClient, queries: Record<string, string>, sources: SourceStatus[]): Promise<Record<string, VectorSample[]> | null> {
  const entries = Object.entries(queries);
  const settled = await Promise.allSettled(entries.map(([, promql]) => prometheus.instantQuery(promql)));
  const results: Record<string, VectorSample[]> = {};
  let failed = false;
  settled.forEach((outcome, index) => {
    const [key, promql] = entries[index]!;
    if (outcome.status === 'fulfilled') {
      results[key] = outcome.value;
      sources.push({ source: 'prometheus', endpoint: `POST /api/v1/query ${promql}`, ok: true });
    } else {
      failed = true;
      sources.push(sourceFailure(outcome.reason, { source: 'prometheus', endpoint: `POST /api/v1/query ${promql}` }));
    }
  });
  return failed ? null : results;
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

async function filesystemFindings(prometheus: PrometheusClient, node: FleetNode, at: string, sources: SourceStatus[]): Promise<Finding[]> {
  const exporter = upTarget(node.roles['node-exporter']);
  if (!exporter) {
    skipped('node-exporter', node.roles['node-exporter'], sources);
    return [];
  }
  const scope = selectorOf(scopeOf(exporter));
  const queries = {
    size: `node_filesystem_size_bytes${scope}`,
    free: `node_filesystem_free_bytes${scope}`,
    deviceError: `node_filesystem_device_error${scope} == 1`,
    claims: 'kube_persistentvolumeclaim_resource_requests_storage_bytes * on (namespace, persistentvolumeclaim) group_left (volumename) kube_persistentvolumeclaim_info',
  };
  const results = await queryAll(prometheus, queries, sources);
  if (!results) return [];
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
  for (const sample of results.size!) observe(sample).sizeBytes = sample.value;
  for (const sample of results.free!) observe(sample).freeBytes = sample.value;
  for (const sample of results.deviceError!) observe(sample).deviceError = true;
  const claimsByVolume = new Map(
    results.claims!
      .filter((sample) => sample.labels.volumename)
      .map((sample) => [sample.labels.volumename!, { claim: `${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`, capacityBytes: sample.value }]),
  );
  const input = { node: node.name, at, queries: { size: queries.size, deviceError: queries.deviceError }, filesystems: [...byMountpoint.values()], claimsByVolume };
  return [...detectRootSized(input), ...detectDeviceErrors(input)];
}

async function cadvisorFindings(prometheus: PrometheusClient, node: FleetNode, at: string, sources: SourceStatus[]): Promise<Finding[]> {
  const cadvisor = upTarget(node.roles.cadvisor);
  if (!cadvisor) {
    skipped('cAdvisor', node.roles.cadvisor, sources);
    return [];
  }
  const scope = scopeOf(cadvisor);
  const kubelet = upTarget(node.roles.kubelet);
  const unlabelled = `container_cpu_usage_seconds_total${selectorOf(scope, ['id=~"/kubepods.+"', 'image=""'])} or container_cpu_usage_seconds_total${selectorOf(scope, ['id=~"/kubepods.+"', 'name=""'])}`;
  const queries: Record<string, string> = {
    unlabelled,
    legacy: `count(container_cpu_usage_seconds_total${selectorOf(scope, ['pod_name!=""'])})`,
    runtimeStart: `container_start_time_seconds${selectorOf(scope, ['id=~"/system.slice/(containerd|docker|crio|cri-docker)[.]service"'])}`,
    ...(kubelet ? { kubeletStart: `process_start_time_seconds${selectorOf(scopeOf(kubelet))}` } : {}),
  };
  const results = await queryAll(prometheus, queries, sources);
  if (!results) return [];
  const seconds = (samples: VectorSample[] | undefined) => (samples?.[0] ? samples[0].value * 1000 : undefined);
  return detectCadvisorFindings({
    node: node.name,
    at,
    query: unlabelled,
    unlabelled: results.unlabelled!,
    legacySeries: results.legacy![0]?.value ?? 0,
    legacyQuery: queries.legacy!,
    kubeletStartedAt: seconds(results.kubeletStart),
    runtimeStartedAt: seconds(results.runtimeStart),
    runtimeVersion: node.containerRuntime,
    startQueries: [queries.kubeletStart, queries.runtimeStart].filter(Boolean).join('\n'),
  });
}

function pluginOf(pv: Record<string, string> | undefined): Pick<ClaimOnNode, 'plugin' | 'csiDriver' | 'hostPath'> {
  if (!pv) return { plugin: 'unknown' };
  if (pv.csi_driver) return { plugin: 'csi', csiDriver: pv.csi_driver };
  if (pv.host_path) return { plugin: 'hostPath', hostPath: pv.host_path };
  if (pv.local_path) return { plugin: 'local' };
  return { plugin: 'other' };
}

/** What the node's kubelet itself says about volume stats: its /metrics gauges and /configz period. */
async function readKubeletSource(kubeletClient: KubeletClient, node: FleetNode, sources: SourceStatus[]): Promise<KubeletSource | undefined> {
  const target = upTarget(node.roles.kubelet);
  const address = target?.scrapeUrl ? new URL(target.scrapeUrl).host : undefined;
  const kubeletNode = { name: node.name, kubeletAddress: address };
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

async function volumeStatsFindings(prometheus: PrometheusClient, kubeletClient: KubeletClient | null, node: FleetNode, at: string, sources: SourceStatus[]): Promise<Finding[]> {
  const onNode = `kube_pod_info{node=${quoteLabelValue(node.name)}}`;
  const queries = {
    phases: `kube_pod_status_phase == 1 and on (namespace, pod) ${onNode}`,
    claims: `kube_pod_spec_volumes_persistentvolumeclaims_info and on (namespace, pod) ${onNode}`,
    claimInfo: 'kube_persistentvolumeclaim_info',
    volumeInfo: 'kube_persistentvolume_info',
    stats: 'kubelet_volume_stats_used_bytes',
  };
  const results = await queryAll(prometheus, queries, sources);
  if (!results) return [];
  const phaseOf = new Map(results.phases!.map((sample) => [`${sample.labels.namespace}/${sample.labels.pod}`, sample.labels.phase ?? 'Unknown']));
  const volumeOf = new Map(results.claimInfo!.map((sample) => [`${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`, sample.labels.volumename ?? '']));
  const pvInfo = new Map(results.volumeInfo!.map((sample) => [sample.labels.persistentvolume ?? '', sample.labels]));
  const claims: ClaimOnNode[] = results.claims!.map((sample) => {
    const claim = `${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`;
    const pod = `${sample.labels.namespace}/${sample.labels.pod}`;
    const volume = volumeOf.get(claim) || null;
    return { claim, pod, podPhase: phaseOf.get(pod) ?? 'Unknown', volume, ...pluginOf(volume ? pvInfo.get(volume) : undefined) };
  });
  if (claims.length === 0) return [];
  const kubeletTarget = upTarget(node.roles.kubelet);
  const storedOnNode = new Set<string>();
  const driversWithStats = new Set<string>();
  for (const sample of results.stats!) {
    const claim = `${sample.labels.namespace}/${sample.labels.persistentvolumeclaim}`;
    if (kubeletTarget && sample.labels.job === kubeletTarget.job && sample.labels.instance === kubeletTarget.instance) storedOnNode.add(claim);
    const driver = pvInfo.get(volumeOf.get(claim) ?? '')?.csi_driver;
    if (driver) driversWithStats.add(driver);
  }
  const lacking = claims.some((claim) => !storedOnNode.has(claim.claim) && claim.podPhase === 'Running' && claim.plugin !== 'hostPath');
  const source = lacking && kubeletClient && kubeletTarget ? await readKubeletSource(kubeletClient, node, sources) : undefined;
  return detectVolumeStatsFindings({
    node: node.name,
    at,
    claims,
    storedOnNode,
    driversWithStats,
    kubeletHealth: node.roles.kubelet.health,
    kubeletVersion: node.kubeletVersion,
    source,
    queries: { stats: queries.stats, claims: queries.claims },
  });
}

export async function investigateNode(prometheus: PrometheusClient, name: string, now = Date.now(), kubeletClient: KubeletClient | null = null): Promise<NodeInvestigation> {
  const generatedAt = new Date(now).toISOString();
  const fleet = await loadFleet(prometheus);
  const sources = [...fleet.sources];
  if (fleet.nodes === null) return { node: name, found: null, generatedAt, findings: [], sources };
  const node = fleet.nodes.find((candidate) => candidate.name === name);
  if (!node) return { node: name, found: false, generatedAt, findings: [], sources };
  const findings: Finding[] = [];
  if (fleet.healthFrom !== 'none') findings.push(...detectTargetFindings({ node: name, roles: node.roles, at: generatedAt, healthFrom: fleet.healthFrom }));
  const [filesystems, cadvisor, volumes] = await Promise.all([
    filesystemFindings(prometheus, node, generatedAt, sources),
    cadvisorFindings(prometheus, node, generatedAt, sources),
    volumeStatsFindings(prometheus, kubeletClient, node, generatedAt, sources),
  ]);
  findings.push(...filesystems, ...cadvisor, ...volumes);
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
  return { node: name, found: true, generatedAt, findings, sources };
}
