import { ExpositionWriter, type Family, type Labels } from './exposition';
import { stableContainerId, stableUid } from './ids';
import { containerIdOf, runtimeKind, type NodeState } from './node-state';
import { faultOf, volumeName, type LabNode, type ScenarioClaim } from './scenario';

/**
 * kube-state-metrics v2's text output for the objects gapscope joins: nodes, pods, containers, pod-to-claim
 * volumes, claims and volumes. Label names and their order follow the real v2 capture in
 * shared/fixtures/real/nri-kubernetes/k8s-1.35_kube-state-metrics.txt.
 */

export const KERNEL_VERSION = '6.1.0-28-amd64';
export const OS_IMAGE = 'Debian GNU/Linux 12 (bookworm)';
/** What a Windows Server 2022 node reports in its NodeInfo (osImage, kernelVersion). */
export const WINDOWS_OS_IMAGE = 'Windows Server 2022 Datacenter';
export const WINDOWS_KERNEL_VERSION = '10.0.20348.2762';

export interface KsmNode {
  node: LabNode;
  state: NodeState;
  internalIp: string;
}

const PV_SOURCE_LABELS = [
  'gce_persistent_disk_name', 'ebs_volume_id', 'azure_disk_name', 'fc_wwids', 'fc_lun', 'fc_target_wwns',
  'iscsi_target_portal', 'iscsi_iqn', 'iscsi_lun', 'iscsi_initiator_name', 'nfs_server', 'nfs_path',
  'csi_driver', 'csi_volume_handle', 'local_path', 'local_fs', 'host_path', 'host_path_type',
] as const;

function volumeInfoLabels(claim: ScenarioClaim): Labels {
  const source: Record<string, string> = Object.fromEntries(PV_SOURCE_LABELS.map((name) => [name, '']));
  if (claim.plugin === 'csi') {
    source.csi_driver = claim.driver ?? '';
    source.csi_volume_handle = `vol-${stableUid(claim.claim).replace(/-/g, '').slice(0, 17)}`;
  } else if (claim.plugin === 'hostPath') {
    source.host_path = claim.path ?? '';
    source.host_path_type = 'DirectoryOrCreate';
  } else {
    source.local_path = claim.path ?? '';
    source.local_fs = 'ext4';
  }
  return [
    ['persistentvolume', volumeName(claim)],
    ['storageclass', claim.storageClass],
    ...PV_SOURCE_LABELS.map((name): [string, string] => [name, source[name] ?? '']),
    ['reclaim_policy', 'Delete'],
  ];
}

const namespaceOf = (claim: ScenarioClaim) => claim.claim.split('/')[0] ?? '';
const nameOf = (claim: ScenarioClaim) => claim.claim.split('/')[1] ?? '';

/**
 * kube-state-metrics' --metric-labels-allowlist ("nodes=[kubernetes.io/os],pods=[*]"): the Kubernetes labels
 * each resource's *_labels metric exports. Empty by default in 2.x (and in kube-prometheus-stack's values).
 */
export function parseLabelsAllowlist(flag: string): Map<string, string[]> {
  const allowed = new Map<string, string[]>();
  for (const match of flag.matchAll(/([a-z]+)=\[([^\]]*)\]/g)) allowed.set(match[1]!, match[2]!.split(',').map((label) => label.trim()).filter(Boolean));
  return allowed;
}

/** A Kubernetes label as a Prometheus label name, as kube-state-metrics sanitizes it. */
const labelName = (key: string) => `label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;

function allowedLabels(labels: Record<string, string>, allowed: readonly string[] | undefined): [string, string][] {
  if (!allowed) return [];
  return Object.entries(labels)
    .filter(([key]) => allowed.includes('*') || allowed.includes(key))
    .map(([key, value]) => [labelName(key), value] as [string, string]);
}

/** The labels the lab's nodes and pods carry. */
const nodeLabels = (node: KsmNode['node']) => ({ 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': node.spec.os });
const podLabels = (name: string) => ({ 'app.kubernetes.io/name': name.replace(/(-[a-z0-9]{8,10})?-[a-z0-9]{5}$|-\d+$/, '') });

export function ksmFamilies(nodes: readonly KsmNode[], claims: readonly ScenarioClaim[], createdAt: number, metricLabelsAllowlist = ''): Family[] {
  const allowlist = parseLabelsAllowlist(metricLabelsAllowlist);
  const out = new ExpositionWriter();
  out.family('kube_node_info', 'gauge', '[STABLE] Information about a cluster node.');
  for (const { node, state, internalIp } of nodes) {
    out.sample('kube_node_info', [
      ['node', node.name], ['kernel_version', node.spec.os === 'windows' ? WINDOWS_KERNEL_VERSION : KERNEL_VERSION], ['os_image', node.spec.os === 'windows' ? WINDOWS_OS_IMAGE : OS_IMAGE],
      ['container_runtime_version', state.runtime], ['kubelet_version', state.kubeletVersion],
      ['kubeproxy_version', 'deprecated'], ['provider_id', ''], ['pod_cidr', `10.244.${node.index % 256}.0/24`],
      ['system_uuid', stableUid(`machine/${node.name}`).replace(/-/g, '')], ['internal_ip', faultOf(node.spec, 'node-uninitialized') ? '' : internalIp],
    ], 1);
  }
  // Without allowed node labels kube-state-metrics 2.x exports no kube_node_labels sample at all (the 1.35 capture).
  out.family('kube_node_labels', 'gauge', '[STABLE] Kubernetes labels converted to Prometheus labels.');
  if (allowlist.has('nodes')) for (const { node } of nodes) out.sample('kube_node_labels', [['node', node.name], ...allowedLabels(nodeLabels(node), allowlist.get('nodes'))], 1);
  out.family('kube_node_created', 'gauge', '[STABLE] Unix creation timestamp');
  for (const { node } of nodes) out.sample('kube_node_created', [['node', node.name]], Math.floor(createdAt / 1000));
  out.family('kube_node_status_condition', 'gauge', '[STABLE] The condition of a cluster node.');
  for (const { node } of nodes) {
    for (const status of ['true', 'false', 'unknown']) {
      out.sample('kube_node_status_condition', [['node', node.name], ['condition', 'Ready'], ['status', status]], status === 'true' ? 1 : 0);
    }
  }

  const pods = nodes.flatMap(({ node, state, internalIp }) => state.pods.map((placed) => ({ node, placed, internalIp, state })));
  out.family('kube_pod_info', 'gauge', '[STABLE] Information about pod.');
  for (const { node, placed, internalIp } of pods) {
    const { spec } = placed.pod;
    const owner = /-\d+$/.test(spec.name) ? ['StatefulSet', spec.name.replace(/-\d+$/, '')] : ['ReplicaSet', spec.name.replace(/-[a-z0-9]+$/, '')];
    out.sample('kube_pod_info', [
      ['namespace', spec.namespace], ['pod', spec.name], ['uid', placed.uid], ['host_ip', internalIp],
      ['pod_ip', `10.244.${node.index % 256}.${10 + (placed.pod.containers.length * 7 + spec.name.length) % 240}`],
      ['node', node.name], ['created_by_kind', owner[0]!], ['created_by_name', owner[1]!], ['priority_class', ''], ['host_network', String(spec.hostNetwork)],
    ], 1);
  }
  out.family('kube_pod_labels', 'gauge', '[STABLE] Kubernetes labels converted to Prometheus labels.');
  for (const { placed } of pods) {
    const { spec } = placed.pod;
    out.sample('kube_pod_labels', [['namespace', spec.namespace], ['pod', spec.name], ['uid', placed.uid], ...allowedLabels(podLabels(spec.name), allowlist.get('pods'))], 1);
  }
  out.family('kube_pod_created', 'gauge', '[STABLE] Unix creation timestamp');
  for (const { placed } of pods) out.sample('kube_pod_created', [['namespace', placed.pod.spec.namespace], ['pod', placed.pod.spec.name], ['uid', placed.uid]], Math.floor(createdAt / 1000));
  out.family('kube_pod_status_phase', 'gauge', '[STABLE] The pods current phase.');
  for (const { placed } of pods) {
    for (const phase of ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running']) {
      out.sample('kube_pod_status_phase', [['namespace', placed.pod.spec.namespace], ['pod', placed.pod.spec.name], ['uid', placed.uid], ['phase', phase]], phase === placed.pod.spec.phase ? 1 : 0);
    }
  }
  out.family('kube_pod_container_info', 'gauge', '[STABLE] Information about a container in a pod.');
  for (const { placed, state } of pods) {
    for (const container of placed.pod.containers) {
      out.sample('kube_pod_container_info', [
        ['namespace', placed.pod.spec.namespace], ['pod', placed.pod.spec.name], ['uid', placed.uid], ['container', container.name],
        ['image_spec', container.image], ['image', container.image], ['image_id', `${container.image.split(':')[0]}@sha256:${stableContainerId(container.image)}`],
        ['container_id', `${runtimeKind(state.runtime)}://${containerIdOf(placed, container.name, state)}`],
      ], 1);
    }
  }
  out.family('kube_pod_spec_volumes_persistentvolumeclaims_info', 'gauge', '[STABLE] Information about persistentvolumeclaim volumes in a pod.');
  for (const { placed } of pods) {
    for (const claim of placed.pod.claims) {
      out.sample('kube_pod_spec_volumes_persistentvolumeclaims_info', [
        ['namespace', placed.pod.spec.namespace], ['pod', placed.pod.spec.name], ['uid', placed.uid], ['volume', 'data'], ['persistentvolumeclaim', nameOf(claim)],
      ], 1);
    }
  }

  out.family('kube_persistentvolumeclaim_info', 'gauge', '[STABLE] Information about persistent volume claim.');
  for (const claim of claims) {
    out.sample('kube_persistentvolumeclaim_info', [
      ['namespace', namespaceOf(claim)], ['persistentvolumeclaim', nameOf(claim)], ['storageclass', claim.storageClass],
      ['volumename', volumeName(claim)], ['volumemode', 'Filesystem'],
    ], 1);
  }
  out.family('kube_persistentvolumeclaim_resource_requests_storage_bytes', 'gauge', '[STABLE] The capacity of storage requested by the persistent volume claim.');
  for (const claim of claims) {
    out.sample('kube_persistentvolumeclaim_resource_requests_storage_bytes', [['namespace', namespaceOf(claim)], ['persistentvolumeclaim', nameOf(claim)]], claim.capacity);
  }
  out.family('kube_persistentvolumeclaim_status_phase', 'gauge', '[STABLE] The phase the persistent volume claim is currently in.');
  for (const claim of claims) {
    for (const phase of ['Lost', 'Bound', 'Pending']) {
      out.sample('kube_persistentvolumeclaim_status_phase', [['namespace', namespaceOf(claim)], ['persistentvolumeclaim', nameOf(claim)], ['phase', phase]], phase === 'Bound' ? 1 : 0);
    }
  }
  out.family('kube_persistentvolume_info', 'gauge', '[STABLE] Information about persistentvolume.');
  for (const claim of claims) out.sample('kube_persistentvolume_info', volumeInfoLabels(claim), 1);
  out.family('kube_persistentvolume_capacity_bytes', 'gauge', '[STABLE] Persistentvolume capacity in bytes.');
  for (const claim of claims) out.sample('kube_persistentvolume_capacity_bytes', [['persistentvolume', volumeName(claim)]], claim.capacity);
  out.family('kube_persistentvolume_claim_ref', 'gauge', '[STABLE] Information about the Persistent Volume Claim Reference.');
  for (const claim of claims) {
    out.sample('kube_persistentvolume_claim_ref', [['persistentvolume', volumeName(claim)], ['name', nameOf(claim)], ['claim_namespace', namespaceOf(claim)]], 1);
  }
  return out.families();
}
