import { agoFrom, type LabClock } from './clock';
import { stableContainerId, stableUid } from './ids';
import { faultOf, type LabNode, type LabPod, type ScenarioClaim } from './scenario';

/**
 * What is true on one node at one moment. The live simulators ask for `clock.now()`, the history backfill
 * for every step of the window, so the two always tell the same story.
 */
export interface NodeState {
  runtime: string;
  kubeletVersion: string;
  kubeletStartedAt: number;
  runtimeStartedAt: number;
  pods: PlacedPod[];
  /** Labels cAdvisor leaves empty on container cgroups (none when its runtime factory registered). */
  emptyContainerLabels: readonly string[];
  kubeletAuth: 'ok' | 'unauthorized' | 'forbidden';
  nodeExporterOnKubeletPort: boolean;
  /** A second, leftover job scrapes the node's exporter too. */
  scrapedTwice: boolean;
  /** A second stack's job scrapes the node's cAdvisor through the API server's proxy too. */
  cadvisorOtherStack: boolean;
  pvMountsRootSized: boolean;
  /** Mountpoints node_exporter cannot statfs (device_error 1). */
  unreachableMounts: string[];
  volumeStatsDisabled: boolean;
  /** The thermal zone's reading fails: node_exporter's thermal_zone collector reports 0. */
  thermalZoneUnreadable: boolean;
  /** A file of the exporter's textfile directory is malformed: node_textfile_scrape_error 1. */
  textfileMalformed: boolean;
  /** Containers (by name) cAdvisor cannot read: left out, with container_scrape_error 1. */
  unreadableContainers: string[];
  /** Containers (by name) that restarted by this moment, with when: a new container id from then on. */
  restartedContainers: Record<string, number>;
}

/** A container's id as the runtime gives it: a new one after each restart. */
export function containerIdOf(placed: PlacedPod, container: string, state: NodeState): string {
  return stableContainerId(`${placed.uid}/${container}${state.restartedContainers[container] !== undefined ? '/restarted' : ''}`);
}

export interface PlacedPod {
  pod: LabPod;
  /** A pod recreated on another node gets a new UID, as a StatefulSet's does. */
  uid: string;
  running: boolean;
}

/** How long after its start a kubelet that registered no runtime factory begins exporting unlabelled series. */
export const CADVISOR_HOUSEKEEPING_DELAY_MS = 40_000;
/** Before the lab's story begins, every component is taken to have been up this long. */
const LONG_AGO_MS = 30 * 86_400_000;

const VOLUME_STATS_REGRESSION_VERSIONS = new Set(['v1.34.0', 'v1.34.1']);

function activeSince(clock: LabClock, since: number | undefined, t: number): boolean {
  return since === undefined || t >= agoFrom(clock, since);
}

/** Pods that moved, by the node they left; built once per node list (moves are rare, nodes up to 1000). */
const movesByList = new WeakMap<readonly LabNode[], Map<string, LabPod[]>>();

function movedAwayFrom(nodes: readonly LabNode[], node: string): LabPod[] {
  let moves = movesByList.get(nodes);
  if (!moves) {
    moves = new Map();
    for (const pod of nodes.flatMap((candidate) => candidate.pods)) {
      const from = pod.spec.movedFrom?.node;
      if (from) moves.set(from, [...(moves.get(from) ?? []), pod]);
    }
    movesByList.set(nodes, moves);
  }
  return moves.get(node) ?? [];
}

/** The pods on `node` at time t: its own (unless they arrived later) plus those that have since moved away. */
export function podsOn(nodes: readonly LabNode[], node: LabNode, clock: LabClock, t: number): PlacedPod[] {
  const placed: PlacedPod[] = [];
  for (const pod of node.pods) {
    const arrived = pod.spec.movedFrom ? agoFrom(clock, pod.spec.movedFrom.ago) : -Infinity;
    if (t >= arrived) placed.push({ pod, uid: pod.uid, running: pod.spec.phase === 'Running' });
  }
  for (const pod of movedAwayFrom(nodes, node.name)) {
    if (t >= agoFrom(clock, pod.spec.movedFrom!.ago)) continue;
    placed.push({ pod, uid: stableUid(`${node.name}/${pod.spec.namespace}/${pod.spec.name}`), running: true });
  }
  return placed;
}

export function nodeStateAt(nodes: readonly LabNode[], node: LabNode, clock: LabClock, t: number): NodeState {
  const spec = node.spec;
  const kubeletStart = agoFrom(clock, spec.kubeletStartedAgo);
  const runtimeStart = agoFrom(clock, spec.runtimeStartedAgo);
  const kubeletStartedAt = t >= kubeletStart ? kubeletStart : agoFrom(clock, LONG_AGO_MS);
  const runtimeStartedAt = t >= runtimeStart ? runtimeStart : agoFrom(clock, LONG_AGO_MS);
  const previous = spec.previousRuntime;
  const runtime = previous && t < agoFrom(clock, previous.until) ? previous.runtime : spec.runtime;
  const upgraded = spec.previousKubeletVersion;
  const kubeletVersion = upgraded && t < agoFrom(clock, upgraded.until) ? upgraded.version : spec.kubeletVersion;

  const labels = faultOf(spec, 'cadvisor-labels-empty');
  const labelsEmpty = labels !== undefined && t >= kubeletStart + CADVISOR_HOUSEKEEPING_DELAY_MS;
  const unauthorized = faultOf(spec, 'kubelet-unauthorized');
  const forbidden = faultOf(spec, 'kubelet-forbidden');
  const scrapedTwice = faultOf(spec, 'scraped-twice');
  const otherStack = faultOf(spec, 'cadvisor-other-stack');
  const wrongPort = faultOf(spec, 'node-exporter-wrong-port');
  const rootSized = faultOf(spec, 'pv-mounts-root-sized');
  const deviceError = faultOf(spec, 'mount-device-error');
  const thermal = faultOf(spec, 'thermal-zone-unreadable');
  const textfile = faultOf(spec, 'textfile-malformed');
  const unreadable = faultOf(spec, 'cadvisor-container-unreadable');
  const restart = faultOf(spec, 'container-restarted');
  const restartedAt = restart ? (restart.afterStart !== undefined ? clock.startedAt + restart.afterStart : agoFrom(clock, restart.ago ?? 0)) : undefined;

  return {
    runtime,
    kubeletVersion,
    kubeletStartedAt,
    runtimeStartedAt,
    pods: podsOn(nodes, node, clock, t),
    emptyContainerLabels: labelsEmpty ? labels.labels : [],
    kubeletAuth:
      unauthorized && activeSince(clock, unauthorized.since, t)
        ? 'unauthorized'
        : forbidden && activeSince(clock, forbidden.since, t)
          ? 'forbidden'
          : 'ok',
    nodeExporterOnKubeletPort: wrongPort !== undefined && activeSince(clock, wrongPort.since, t),
    scrapedTwice: scrapedTwice !== undefined && activeSince(clock, scrapedTwice.since, t),
    cadvisorOtherStack: otherStack !== undefined && activeSince(clock, otherStack.since, t),
    pvMountsRootSized: rootSized !== undefined && activeSince(clock, rootSized.since, t),
    unreachableMounts: deviceError && activeSince(clock, deviceError.since, t) ? [deviceError.mount.mountpoint] : [],
    volumeStatsDisabled: faultOf(spec, 'volume-stats-disabled') !== undefined,
    thermalZoneUnreadable: thermal !== undefined && activeSince(clock, thermal.since, t),
    textfileMalformed: textfile !== undefined && activeSince(clock, textfile.since, t),
    unreadableContainers: unreadable && activeSince(clock, unreadable.since, t) ? [unreadable.container] : [],
    restartedContainers: restart && restartedAt !== undefined && t >= restartedAt ? { [restart.container]: restartedAt } : {},
  };
}

/** Does the kubelet's volume plugin implement a metrics provider for this claim's volume? */
export function pluginHasMetrics(claim: ScenarioClaim): boolean {
  if (claim.plugin === 'hostPath') return false; // hostPath uses MetricsNil
  if (claim.plugin === 'csi') return claim.volumeStats; // NodeGetVolumeStats behind the GET_VOLUME_STATS capability
  return true; // local volumes are measured with statfs
}

/** The claims whose kubelet_volume_stats_* gauges the kubelet exports at this moment. */
export function claimsWithStats(state: NodeState): { claim: ScenarioClaim; pod: PlacedPod }[] {
  if (state.volumeStatsDisabled || VOLUME_STATS_REGRESSION_VERSIONS.has(state.kubeletVersion)) return [];
  return state.pods
    .filter((placed) => placed.running)
    .flatMap((placed) => placed.pod.claims.filter(pluginHasMetrics).map((claim) => ({ claim, pod: placed })));
}

/** Volumes the kubelet has mounted for running pods: claims plus the kube-api-access projected volume each pod has. */
export function mountedVolumes(state: NodeState): { plugin: string; claim?: ScenarioClaim }[] {
  return state.pods
    .filter((placed) => placed.running)
    .flatMap((placed) => [
      { plugin: 'kubernetes.io/projected' },
      ...placed.pod.claims.map((claim) => ({ plugin: volumePluginName(claim), claim })),
    ]);
}

export function volumePluginName(claim: ScenarioClaim): string {
  if (claim.plugin === 'csi') return `kubernetes.io/csi:${claim.driver}`;
  return claim.plugin === 'hostPath' ? 'kubernetes.io/host-path' : 'kubernetes.io/local-volume';
}

export function runtimeKind(runtime: string): 'containerd' | 'docker' | 'cri-o' {
  return runtime.slice(0, runtime.indexOf(':')) as 'containerd' | 'docker' | 'cri-o';
}
