import { ExpositionWriter, type Family } from './exposition';
import { claimsWithStats, mountedVolumes, runtimeKind, type NodeState } from './node-state';
import type { RootDisk } from './node-exporters';
import type { LabNode, ScenarioClaim } from './scenario';

/**
 * The kubelet's own endpoints: /metrics (the families gapscope reads, with the kubelet's HELP texts and
 * stability prefixes), /stats/summary and /configz.
 */

const VOLUME_STATS_AGG_PERIOD_MS = 60_000;
/** kubelet_volume_metric_collection_duration_seconds uses metrics.ExponentialBuckets(0.001, 2, 15) upstream. */
const DURATION_BUCKETS = Array.from({ length: 15 }, (_, index) => 0.001 * 2 ** index);

const INODE_BYTES = 16_384;

/**
 * What the kubelet's statfs of a claim's volume directory returns: the volume's own filesystem, or, on a node
 * whose PV mounts are plain directories on the root disk (the pv-mounts-root-sized fault), the root disk's.
 */
export function volumeStatsOf(claim: ScenarioClaim, rootSizedOn: RootDisk | null = null) {
  const capacity = rootSizedOn ? rootSizedOn.sizeBytes : claim.capacity;
  const used = rootSizedOn ? rootSizedOn.sizeBytes - rootSizedOn.freeBytes : claim.used;
  const available = rootSizedOn ? rootSizedOn.availBytes : claim.capacity - claim.used;
  const inodes = Math.floor(capacity / INODE_BYTES);
  const inodesUsed = Math.floor(used / (INODE_BYTES * 8));
  return { capacityBytes: capacity, usedBytes: used, availableBytes: available, inodes, inodesUsed, inodesFree: inodes - inodesUsed };
}

const VOLUME_GAUGES = [
  ['kubelet_volume_stats_available_bytes', 'Number of available bytes in the volume', 'availableBytes'],
  ['kubelet_volume_stats_capacity_bytes', 'Capacity in bytes of the volume', 'capacityBytes'],
  ['kubelet_volume_stats_inodes', 'Maximum number of inodes in the volume', 'inodes'],
  ['kubelet_volume_stats_inodes_free', 'Number of free inodes in the volume', 'inodesFree'],
  ['kubelet_volume_stats_inodes_used', 'Number of used inodes in the volume', 'inodesUsed'],
  ['kubelet_volume_stats_used_bytes', 'Number of used bytes in the volume', 'usedBytes'],
] as const;

function splitClaim(claim: ScenarioClaim): [string, string] {
  const [namespace = '', name = ''] = claim.claim.split('/');
  return [namespace, name];
}

export function kubeletFamilies(node: LabNode, state: NodeState, now: number, root: RootDisk): Family[] {
  const out = new ExpositionWriter();
  const [major = '1', minor = '0'] = state.kubeletVersion.slice(1).split('.');
  out
    .family('kubelet_node_name', 'gauge', "[ALPHA] The node's name. The count is always 1.")
    .sample('kubelet_node_name', [['node', node.name]], 1);

  const running = state.pods.filter((placed) => placed.running);
  out.family('kubelet_running_pods', 'gauge', '[ALPHA] Number of pods that have a running pod sandbox').sample('kubelet_running_pods', [], running.length);
  out
    .family('kubelet_running_containers', 'gauge', '[ALPHA] Number of containers currently running')
    .sample('kubelet_running_containers', [['container_state', 'running']], running.reduce((sum, placed) => sum + placed.pod.containers.length, 0));

  // The collector runs every volumeStatsAggPeriod over every mounted volume, whether or not gauges result.
  const rounds = state.volumeStatsDisabled ? 0 : Math.floor((now - state.kubeletStartedAt) / VOLUME_STATS_AGG_PERIOD_MS);
  const volumes = mountedVolumes(state);
  out.family('kubelet_volume_metric_collection_duration_seconds', 'histogram', '[ALPHA] Duration in seconds to calculate volume stats');
  for (const source of ['filesystem', 'csi'] as const) {
    const measured = volumes.filter((volume) => (volume.claim?.plugin === 'csi') === (source === 'csi')).length;
    const count = rounds * measured;
    for (const bound of DURATION_BUCKETS) {
      const share = bound >= 0.004 ? 1 : bound >= 0.002 ? 0.6 : 0.1;
      out.sample('kubelet_volume_metric_collection_duration_seconds_bucket', [['metric_source', source], ['le', String(bound)]], Math.round(count * share));
    }
    out.sample('kubelet_volume_metric_collection_duration_seconds_bucket', [['metric_source', source], ['le', '+Inf']], count);
    out.sample('kubelet_volume_metric_collection_duration_seconds_sum', [['metric_source', source]], Math.round(count * 0.0021 * 1e6) / 1e6);
    out.sample('kubelet_volume_metric_collection_duration_seconds_count', [['metric_source', source]], count);
  }

  const withStats = claimsWithStats(state);
  for (const [name, help, field] of VOLUME_GAUGES) {
    out.family(name, 'gauge', `[ALPHA] ${help}`);
    for (const { claim } of withStats) {
      const [namespace, persistentvolumeclaim] = splitClaim(claim);
      out.sample(name, [['namespace', namespace], ['persistentvolumeclaim', persistentvolumeclaim]], volumeStatsOf(claim, state.pvMountsRootSized ? root : null)[field]);
    }
  }
  out.family('kubelet_volume_stats_health_status_abnormal', 'gauge', '[ALPHA] Abnormal volume health status. The count is either 1 or 0. 1 indicates the volume is unhealthy, 0 indicates volume is healthy');
  for (const { claim } of withStats) {
    const [namespace, persistentvolumeclaim] = splitClaim(claim);
    out.sample('kubelet_volume_stats_health_status_abnormal', [['namespace', namespace], ['persistentvolumeclaim', persistentvolumeclaim]], 0);
  }

  out.family('volume_manager_total_volumes', 'gauge', '[ALPHA] Number of volumes in Volume Manager');
  const byPlugin = new Map<string, number>();
  for (const volume of mountedVolumes(state)) byPlugin.set(volume.plugin, (byPlugin.get(volume.plugin) ?? 0) + 1);
  for (const [plugin, count] of [...byPlugin].sort()) {
    for (const world of ['actual_state_of_world', 'desired_state_of_world']) {
      out.sample('volume_manager_total_volumes', [['plugin_name', plugin], ['state', world]], count);
    }
  }

  out
    .family('kubernetes_build_info', 'gauge', "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.")
    .sample('kubernetes_build_info', [['build_date', '2024-12-10T11:36:18Z'], ['compiler', 'gc'], ['git_commit', 'a78aa47129b8539636eb86a9d00e31b2720fe06b'], ['git_tree_state', 'clean'], ['git_version', state.kubeletVersion], ['go_version', 'go1.22.9'], ['major', major], ['minor', minor], ['platform', 'linux/amd64']], 1);
  out
    .family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.')
    .sample('process_start_time_seconds', [], Math.round(state.kubeletStartedAt / 10) / 100);
  return out.families();
}

/**
 * /metrics/probes: the kubelet's prober counters, one readiness probe per running container, shaped after
 * the kubelet's prober_probe_total (k8s.io/kubernetes/pkg/kubelet/prober/prober_manager.go).
 */
export function probeFamilies(state: NodeState, now: number): Family[] {
  const out = new ExpositionWriter();
  out.family('prober_probe_total', 'counter', '[ALPHA] Cumulative number of a liveness, readiness or startup probe for a container by result.');
  const probes = Math.max(0, Math.floor((now - state.runtimeStartedAt) / 10_000));
  for (const placed of state.pods.filter((candidate) => candidate.running)) {
    for (const container of placed.pod.containers) {
      out.sample('prober_probe_total', [['container', container.name], ['namespace', placed.pod.spec.namespace], ['pod', placed.pod.spec.name], ['pod_uid', placed.uid], ['probe_type', 'Readiness'], ['result', 'successful']], probes);
    }
  }
  return out.families();
}

/** /stats/summary: node and pod stats, with a pvcRef on each volume that belongs to a claim (as the kubelet adds). */
export function statsSummary(node: LabNode, state: NodeState, now: number, root: RootDisk) {
  const time = new Date(now).toISOString();
  const measuredClaims = new Set(claimsWithStats(state).map(({ claim, pod }) => `${pod.uid}/${claim.claim}`));
  return {
    node: {
      nodeName: node.name,
      systemContainers: [
        { name: 'kubelet', startTime: new Date(state.kubeletStartedAt).toISOString() },
        { name: 'runtime', startTime: new Date(state.runtimeStartedAt).toISOString() },
      ],
      startTime: new Date(Math.min(state.kubeletStartedAt, state.runtimeStartedAt)).toISOString(),
      fs: { time, availableBytes: 83970199552, capacityBytes: 270553174016, usedBytes: 186583000000 },
    },
    pods: state.pods
      .filter((placed) => placed.running)
      .map((placed) => ({
        podRef: { name: placed.pod.spec.name, namespace: placed.pod.spec.namespace, uid: placed.uid },
        startTime: new Date(state.runtimeStartedAt + 5_000).toISOString(),
        containers: placed.pod.containers.map((container) => ({ name: container.name, startTime: new Date(state.runtimeStartedAt + 5_000).toISOString() })),
        volume: placed.pod.claims
          .filter((claim) => measuredClaims.has(`${placed.uid}/${claim.claim}`))
          .map((claim) => {
            const stats = volumeStatsOf(claim, state.pvMountsRootSized ? root : null);
            const [namespace, name] = splitClaim(claim);
            return { time, ...stats, name: name.replace(/[^a-z0-9-]/g, '-'), pvcRef: { name, namespace } };
          }),
      })),
  };
}

const RUNTIME_ENDPOINTS = {
  containerd: 'unix:///run/containerd/containerd.sock',
  docker: 'unix:///var/run/cri-dockerd.sock',
  'cri-o': 'unix:///var/run/crio/crio.sock',
} as const;

/** /configz: the parts of KubeletConfiguration that decide who may read the kubelet and its volume stats. */
export function configz(state: NodeState) {
  return {
    kubeletconfig: {
      enableServer: true,
      // A kubelet that authenticates nobody: its configuration lost the token webhook and the cluster's client CA.
      authentication: {
        x509: { clientCAFile: state.kubeletAuth === 'unauthorized' ? '' : '/etc/kubernetes/pki/ca.crt' },
        webhook: { enabled: state.kubeletAuth !== 'unauthorized', cacheTTL: '2m0s' },
        anonymous: { enabled: false },
      },
      authorization: { mode: 'Webhook' },
      volumeStatsAggPeriod: state.volumeStatsDisabled ? '0s' : '1m0s',
      readOnlyPort: 0,
      containerRuntimeEndpoint: RUNTIME_ENDPOINTS[runtimeKind(state.runtime)],
    },
  };
}
