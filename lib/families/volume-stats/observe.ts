import { claimKey, once, podKey, samplesOf, type Observation, type Sample } from '../types';

/**
 * What the volume-stats family's parts say about a node at one instant, read the same way for the findings
 * and every step of the timeline. Also read by root-sized-filesystem (which claims a mount belongs to, and
 * which PVs running pods mount).
 */

export interface ClaimOnNode {
  /** namespace/name */
  claim: string;
  /** namespace/name of the pod on this node that uses it */
  pod: string;
  podPhase: string;
  volume: string | null;
  plugin: 'csi' | 'hostPath' | 'local' | 'other' | 'unknown';
  csiDriver?: string;
  hostPath?: string;
}

function pluginOf(pv: Record<string, string> | undefined): Pick<ClaimOnNode, 'plugin' | 'csiDriver' | 'hostPath'> {
  if (!pv) return { plugin: 'unknown' };
  if (pv.csi_driver) return { plugin: 'csi', csiDriver: pv.csi_driver };
  if (pv.host_path) return { plugin: 'hostPath', hostPath: pv.host_path };
  if (pv.local_path) return { plugin: 'local' };
  return { plugin: 'other' };
}

const byKey = (samples: Sample[], key: (labels: Record<string, string>) => string, value: (sample: Sample) => string) =>
  once(samples, `by-key:${key.name}:${value.name}`, () => new Map(samples.map((sample) => [key(sample.labels), value(sample)])));

const phaseOf = (sample: Sample) => sample.labels.phase ?? 'Unknown';
const volumeName = (sample: Sample) => sample.labels.volumename ?? '';

/** The claim bound to each PersistentVolume (from kube_persistentvolumeclaim_info). */
export function claimOfVolume(observation: Observation): Map<string, string> {
  const info = samplesOf(observation, 'volume-stats', 'claimInfo');
  return once(info, 'claim-of-volume', () => new Map(info.filter((sample) => sample.labels.volumename).map((sample) => [sample.labels.volumename!, claimKey(sample.labels)])));
}

/** What each claim requested, in bytes. */
export function requestedBytes(observation: Observation): Map<string, number> {
  const requests = samplesOf(observation, 'volume-stats', 'requests');
  return once(requests, 'requested', () => new Map(requests.map((sample) => [claimKey(sample.labels), sample.value])));
}

/** The claims pods on this node use, one entry per claim and pod; null when kube-state-metrics was not read. */
export function claimsOnNode(observation: Observation): ClaimOnNode[] | null {
  return once(observation, 'claims-on-node', () => readClaims(observation));
}

function readClaims(observation: Observation): ClaimOnNode[] | null {
  const parts = observation.parts['volume-stats'];
  if (!parts?.claims) return null;
  const phases = byKey(parts.phases ?? [], podKey, phaseOf);
  const volumes = byKey(parts.claimInfo ?? [], claimKey, volumeName);
  const volumeInfo = parts.volumeInfo ?? [];
  const pvs = once(volumeInfo, 'pv-labels', () => new Map(volumeInfo.map((sample) => [sample.labels.persistentvolume ?? '', sample.labels])));
  return parts.claims.map((sample): ClaimOnNode => {
    const claim = claimKey(sample.labels);
    const pod = podKey(sample.labels);
    const volume = volumes.get(claim) || null;
    return { claim, pod, podPhase: phases.get(pod) ?? 'Unknown', volume, ...pluginOf(volume ? pvs.get(volume) : undefined) };
  });
}

/** Capacity per claim as this node's kubelet reports it; null when the kubelet's series were not read. */
export function storedCapacity(observation: Observation): Map<string, number> | null {
  const stats = observation.parts['volume-stats']?.stats;
  return stats ? new Map(stats.map((sample) => [claimKey(sample.labels), sample.value])) : null;
}

/** CSI drivers with volume stats stored on any node of the cluster. */
export function driversWithStats(observation: Observation): Set<string> {
  const anywhere = samplesOf(observation, 'volume-stats', 'statsAnywhere');
  return once(anywhere, 'drivers-with-stats', () => {
    const volumes = byKey(samplesOf(observation, 'volume-stats', 'claimInfo'), claimKey, volumeName);
    const pvs = samplesOf(observation, 'volume-stats', 'volumeInfo');
    const driverOf = new Map(pvs.map((sample) => [sample.labels.persistentvolume ?? '', sample.labels.csi_driver]));
    return new Set(anywhere.map((sample) => driverOf.get(volumes.get(claimKey(sample.labels)) ?? '')).filter((driver): driver is string => Boolean(driver)));
  });
}

/** Claims mounted by running pods with a plugin that mounts (CSI or local): what node_exporter could see. */
export function mountedClaims(observation: Observation): string[] | null {
  const claims = claimsOnNode(observation);
  if (!claims) return null;
  return [...new Set(claims.filter((claim) => claim.podPhase === 'Running' && (claim.plugin === 'csi' || claim.plugin === 'local')).map((claim) => claim.claim))];
}
