import { stableContainerId } from './ids';
import { containerIdOf, runtimeKind, type NodeState } from './node-state';
import { ExpositionWriter, type Family, type Labels } from './exposition';
import { faultOf, type LabNode } from './scenario';

/**
 * The kubelet's embedded cAdvisor, shaped after the real captures in shared/fixtures/real/nri-kubernetes:
 * the same families, HELP texts, label names (`container,id,image,name,namespace,pod`) and cgroup layout
 * (`/`, `/kubepods`, QoS slices, `pod<uid>`, sandbox and container ids, `/system.slice/<unit>.service`).
 */

export type CgroupKind = 'root' | 'qos' | 'system' | 'pod' | 'sandbox' | 'container';

export interface Cgroup {
  id: string;
  kind: CgroupKind;
  container: string;
  image: string;
  name: string;
  namespace: string;
  pod: string;
  startedAt: number;
}

const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

function qosPath(qos: string, uid: string): string {
  return qos === 'guaranteed' ? `/kubepods/pod${uid}` : `/kubepods/${qos}/pod${uid}`;
}

/** Docker names containers k8s_<container>_<pod>_<namespace>_<uid>_<attempt>; containerd and CRI-O use the id. */
function containerName(runtime: string, id: string, container: string, pod: string, namespace: string, uid: string): string {
  return runtimeKind(runtime) === 'docker' ? `k8s_${container}_${pod}_${namespace}_${uid}_0` : id;
}

export function cgroupsOf(node: LabNode, state: NodeState): Cgroup[] {
  const bootedAt = Math.min(state.kubeletStartedAt, state.runtimeStartedAt) - 60_000;
  const base = { container: '', image: '', name: '', namespace: '', pod: '' };
  // CRI-O's unit is crio.service.
  const runtimeUnit = node.spec.runtimeUnit ?? { containerd: 'containerd', docker: 'docker', 'cri-o': 'crio' }[runtimeKind(state.runtime)];
  // On Windows the kubelet has no cAdvisor: its /metrics/cadvisor serves the machine alone (kubernetes#98235).
  if (node.spec.os === 'windows') return [{ ...base, id: '/', kind: 'root', startedAt: bootedAt }];
  const cgroups: Cgroup[] = [
    { ...base, id: '/', kind: 'root', startedAt: bootedAt },
    { ...base, id: '/kubepods', kind: 'qos', startedAt: bootedAt },
    { ...base, id: '/kubepods/besteffort', kind: 'qos', startedAt: bootedAt },
    { ...base, id: '/kubepods/burstable', kind: 'qos', startedAt: bootedAt },
    { ...base, id: '/system.slice/kubelet.service', kind: 'system', startedAt: state.kubeletStartedAt },
    { ...base, id: `/system.slice/${runtimeUnit}.service`, kind: 'system', startedAt: state.runtimeStartedAt },
  ];
  const empty = new Set(state.emptyContainerLabels);
  const blank = (label: string, value: string) => (empty.has(label) ? '' : value);
  for (const placed of state.pods.filter((candidate) => candidate.running)) {
    const { spec } = placed.pod;
    const podPath = qosPath(spec.qos, placed.uid);
    // Containers (re)start once the runtime is up.
    const startedAt = Math.max(state.runtimeStartedAt, bootedAt) + 5_000;
    cgroups.push({ ...base, id: podPath, kind: 'pod', namespace: spec.namespace, pod: spec.name, startedAt });
    // CRI-O drops the infra (pause) container by default (drop_infra_ctr): no sandbox cgroup, so no pod network series.
    if (runtimeKind(state.runtime) !== 'cri-o') {
      const sandboxId = stableContainerId(`${placed.uid}/sandbox`);
      const sandboxName = containerName(state.runtime, sandboxId, 'POD', spec.name, spec.namespace, placed.uid);
      cgroups.push({
        id: `${podPath}/${sandboxId}`,
        kind: 'sandbox',
        container: '',
        image: blank('image', PAUSE_IMAGE),
        name: blank('name', sandboxName),
        namespace: blank('namespace', spec.namespace),
        pod: blank('pod', spec.name),
        startedAt,
      });
    }
    for (const container of placed.pod.containers) {
      if (state.unreadableContainers.includes(container.name)) continue;
      const id = containerIdOf(placed, container.name, state);
      const restartedAt = state.restartedContainers[container.name];
      cgroups.push({
        id: `${podPath}/${id}`,
        kind: 'container',
        container: blank('container', container.name),
        image: blank('image', container.image),
        name: blank('name', containerName(state.runtime, id, container.name, spec.name, spec.namespace, placed.uid)),
        namespace: blank('namespace', spec.namespace),
        pod: blank('pod', spec.name),
        startedAt: restartedAt ?? startedAt,
      });
    }
  }
  return cgroups;
}

function labelsOf(cgroup: Cgroup, extra: Labels = []): Labels {
  const labels: [string, string][] = [
    ['container', cgroup.container],
    ['id', cgroup.id],
    ['image', cgroup.image],
    ['name', cgroup.name],
    ['namespace', cgroup.namespace],
    ['pod', cgroup.pod],
  ];
  // Extra labels (cpu, device, interface) sort in among the others, as client_golang prints them.
  return [...labels, ...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Deterministic per-cgroup numbers so that repeated scrapes look like one machine, not noise. */
function seeded(id: string, scale: number): number {
  let hash = 2166136261;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 16777619);
  return ((hash >>> 0) / 2 ** 32) * scale;
}

export function cpuSeconds(cgroup: Cgroup, at: number): number {
  const rate = cgroup.kind === 'root' ? 1.2 : 0.02 + seeded(cgroup.id, 0.2);
  return Math.round(Math.max(0, (at - cgroup.startedAt) / 1000) * rate * 1e6) / 1e6;
}

export function workingSetBytes(cgroup: Cgroup): number {
  const scale = cgroup.kind === 'root' ? 6e9 : cgroup.kind === 'sandbox' ? 1e6 : 3e8;
  // Page-aligned, as the kernel accounts memory.
  return Math.round((2e5 + seeded(cgroup.id, scale)) / 4096) * 4096;
}

interface CadvisorContext {
  node: LabNode;
  state: NodeState;
  now: number;
  kernelVersion: string;
  osImage: string;
  machineId: string;
}

export function cadvisorFamilies({ node, state, now, kernelVersion, osImage, machineId }: CadvisorContext): Family[] {
  const cgroups = cgroupsOf(node, state);
  const out = new ExpositionWriter();
  // cAdvisor stamps each series with its cgroup's last housekeeping, a few seconds in the past.
  const stamp = (cgroup: Cgroup) => now - 1000 - Math.round(seeded(cgroup.id, 9000));
  const dockerVersion = runtimeKind(state.runtime) === 'docker' ? state.runtime.slice('docker://'.length) : '';
  out
    .family('cadvisor_version_info', 'gauge', "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.")
    .sample('cadvisor_version_info', [['cadvisorRevision', ''], ['cadvisorVersion', ''], ['dockerVersion', dockerVersion], ['kernelVersion', kernelVersion], ['osVersion', osImage]], 1);

  out.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  for (const cgroup of cgroups) out.sample('container_cpu_usage_seconds_total', labelsOf(cgroup, [['cpu', 'total']]), cpuSeconds(cgroup, now), stamp(cgroup));

  out.family('container_last_seen', 'gauge', 'Last time a container was seen by the exporter');
  for (const cgroup of cgroups) out.sample('container_last_seen', labelsOf(cgroup), Math.floor(now / 1000), now);

  out.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  for (const cgroup of cgroups) out.sample('container_memory_working_set_bytes', labelsOf(cgroup), workingSetBytes(cgroup), stamp(cgroup));

  out.family('container_memory_rss', 'gauge', 'Size of RSS in bytes.');
  for (const cgroup of cgroups) out.sample('container_memory_rss', labelsOf(cgroup), Math.round(workingSetBytes(cgroup) * 0.7), stamp(cgroup));

  out.family('container_network_receive_bytes_total', 'counter', 'Cumulative count of bytes received');
  const podNetwork = !faultOf(node.spec, 'pod-network-unattributed');
  for (const cgroup of cgroups.filter((candidate) => candidate.kind === 'root' || (podNetwork && candidate.kind === 'sandbox'))) {
    out.sample('container_network_receive_bytes_total', labelsOf(cgroup, [['interface', 'eth0']]), Math.round(cpuSeconds(cgroup, now) * 5e4), stamp(cgroup));
  }

  out.family('container_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  out.sample('container_scrape_error', [], state.unreadableContainers.length > 0 ? 1 : 0);

  out.family('container_spec_memory_limit_bytes', 'gauge', 'Memory limit for the container.');
  for (const cgroup of cgroups) out.sample('container_spec_memory_limit_bytes', labelsOf(cgroup), cgroup.kind === 'container' ? 536870912 : 0);

  out.family('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds.');
  for (const cgroup of cgroups) out.sample('container_start_time_seconds', labelsOf(cgroup), Math.floor(cgroup.startedAt / 1000));

  out.family('container_threads', 'gauge', 'Number of threads running inside the container');
  for (const cgroup of cgroups) out.sample('container_threads', labelsOf(cgroup), cgroup.kind === 'root' ? 416 : 1 + Math.round(seeded(cgroup.id, 40)), stamp(cgroup));

  const machine: Labels = [['boot_id', machineId], ['machine_id', machineId], ['system_uuid', machineId]];
  out.family('machine_cpu_cores', 'gauge', 'Number of logical CPU cores.').sample('machine_cpu_cores', machine, 8);
  out.family('machine_memory_bytes', 'gauge', 'Amount of memory installed on the machine.').sample('machine_memory_bytes', machine, 33663803392);
  return out.families();
}
