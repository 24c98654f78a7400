import { describe, expect, it } from 'vitest';
import { defaultLab } from '../test-support/default-lab';
import { familyShapes, realFixture } from '../test-support/fixtures';
import { cadvisorFamilies, cgroupsOf } from './cadvisor';
import { writeText } from './exposition';
import { KERNEL_VERSION, OS_IMAGE, ksmFamilies } from './kube-state-metrics';
import { kubeletFamilies } from './kubelet-payloads';

const lab = defaultLab();
const root = { device: '/dev/vda1', sizeBytes: 100 * 2 ** 30, availBytes: 40 * 2 ** 30, freeBytes: 45 * 2 ** 30 };
const realCadvisor = familyShapes(realFixture('nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt'));
const realKsm = realFixture('nri-kubernetes/k8s-1.35_kube-state-metrics.txt');
const realApiserver = familyShapes(realFixture('nri-kubernetes/k8s-1.35_apiserver_metrics.txt'));

function cadvisorText(name: string) {
  return writeText(cadvisorFamilies({ node: lab.node(name), state: lab.stateAt(name), now: lab.clock.startedAt, kernelVersion: KERNEL_VERSION, osImage: OS_IMAGE, machineId: 'm'.repeat(32) }));
}

/** Cgroup ids as the real kubelet names them; static pods' UIDs are 32-hex config hashes without dashes. */
const CGROUP_ID = /^\/$|^\/kubepods(\/besteffort|\/burstable)?(\/pod([0-9a-f-]{36}|[0-9a-f]{32})(\/[0-9a-f]{64})?)?$|^\/system\.slice\/[a-z-]+\.service$/;

describe('simulated cAdvisor', () => {
  const simulated = familyShapes(cadvisorText('lab-healthy'));

  it.each([...simulated.keys()])('%s has the real HELP, TYPE and label names', (family) => {
    const real = realCadvisor.get(family);
    expect(real, `${family} is not in the real capture`).toBeDefined();
    expect(simulated.get(family)!.help).toBe(real!.help);
    expect(simulated.get(family)!.type).toBe(real!.type);
    expect([...simulated.get(family)!.labelNames].sort()).toEqual([...real!.labelNames].sort());
  });

  it('names cgroups the way the real capture does', () => {
    const realIds = [...realFixture('nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt').matchAll(/id="(\/kubepods[^"]*)"/g)].map((match) => match[1]!);
    expect(realIds.length).toBeGreaterThan(50);
    for (const id of realIds) expect(id).toMatch(CGROUP_ID);
    for (const cgroup of cgroupsOf(lab.node('lab-volumes'), lab.stateAt('lab-volumes'))) expect(cgroup.id).toMatch(CGROUP_ID);
  });

  it('labels pod cgroups with pod and namespace only, and containers with everything, on a healthy node', () => {
    const cgroups = cgroupsOf(lab.node('lab-healthy'), lab.stateAt('lab-healthy'));
    const pod = cgroups.find((cgroup) => cgroup.kind === 'pod')!;
    expect(pod).toMatchObject({ container: '', image: '', name: '', namespace: 'shop' });
    const container = cgroups.find((cgroup) => cgroup.kind === 'container' && cgroup.container === 'cart')!;
    expect(container.image).toBe('registry.example.com/shop/cart:2.4.1');
    expect(container.name).toMatch(/^[0-9a-f]{64}$/);
    expect(container.pod).toBe('cart-5d8f9c7b6-x2klm');
  });

  it('leaves every pod label empty on container cgroups only where the labels fault is planted', () => {
    const broken = cgroupsOf(lab.node('lab-cadvisor'), lab.stateAt('lab-cadvisor'));
    const containers = broken.filter((cgroup) => cgroup.kind === 'container' || cgroup.kind === 'sandbox');
    expect(containers.length).toBe(5);
    for (const cgroup of containers) expect(cgroup).toMatchObject({ image: '', name: '', pod: '', namespace: '', container: '' });
    // Before the kubelet restarted 90 minutes ago the same node was labelled normally.
    const before = cgroupsOf(lab.node('lab-cadvisor'), lab.stateAt('lab-cadvisor', 2 * 3_600_000));
    expect(before.filter((cgroup) => cgroup.kind === 'container').every((cgroup) => cgroup.image !== '')).toBe(true);
  });

  it('names Docker containers k8s_<container>_<pod>_<namespace>_<uid>_0 while the node ran Docker', () => {
    const cgroups = cgroupsOf(lab.node('lab-rootsized'), lab.stateAt('lab-rootsized', 4 * 3_600_000));
    const container = cgroups.find((cgroup) => cgroup.kind === 'container')!;
    expect(container.name).toMatch(/^k8s_clickhouse_warehouse-0_analytics_[0-9a-f-]{36}_0$/);
    expect(cgroups.map((cgroup) => cgroup.id)).toContain('/system.slice/docker.service');
  });
});

describe('simulated kube-state-metrics', () => {
  const states = lab.nodes.map((node) => ({ node, state: lab.stateAt(node.name), internalIp: '127.0.0.1' }));
  const families = ksmFamilies(states, lab.scenario.claims, lab.clock.startedAt);

  it.each(families.map((family) => family.name))('%s has the real HELP, TYPE and label order', (name) => {
    const family = families.find((candidate) => candidate.name === name)!;
    expect(realKsm).toContain(`# HELP ${name} ${family.help}\n# TYPE ${name} ${family.type}\n`);
    if (family.samples.length === 0) {
      // kube_node_labels without an allowlist: no sample, as in the capture.
      expect(new RegExp(`^${name}\\{`, 'm').test(realKsm)).toBe(false);
      return;
    }
    const realSample = new RegExp(`^${name}\\{(.*)\\} `, 'm').exec(realKsm);
    expect(realSample, `no ${name} sample in the capture`).not.toBeNull();
    const realOrder = [...realSample![1]!.matchAll(/([a-z_]+)="/g)].map((match) => match[1]);
    expect(family.samples[0]!.labels.map(([label]) => label)).toEqual(realOrder);
  });

  it('reports hostPath volumes as the real capture does (host_path set, csi_driver empty)', () => {
    const info = families.find((family) => family.name === 'kube_persistentvolume_info')!;
    const hostPath = info.samples.find((sample) => sample.labels.some(([label, value]) => label === 'host_path' && value !== ''))!;
    expect(Object.fromEntries(hostPath.labels)).toMatchObject({ csi_driver: '', host_path: '/var/tmp/hostpath-cache', host_path_type: 'DirectoryOrCreate' });
  });
});

describe('simulated kubelet /metrics', () => {
  const shapes = familyShapes(writeText(kubeletFamilies(lab.node('lab-volumes'), lab.stateAt('lab-volumes'), lab.clock.startedAt, root)));

  it('shares component-base HELP texts with the real API server capture', () => {
    for (const family of ['kubernetes_build_info', 'process_start_time_seconds']) {
      expect(shapes.get(family)!.help).toBe(realApiserver.get(family)!.help);
    }
  });

  it('exports volume stats only for claims a running pod mounts with a plugin that has metrics', () => {
    const text = writeText(kubeletFamilies(lab.node('lab-volumes'), lab.stateAt('lab-volumes'), lab.clock.startedAt, root));
    const claims = [...text.matchAll(/^kubelet_volume_stats_capacity_bytes\{namespace="([^"]+)",persistentvolumeclaim="([^"]+)"\}/gm)].map((match) => `${match[1]}/${match[2]}`);
    // hostPath (no metrics), nfs CSI without GET_VOLUME_STATS and a Succeeded pod's claim are absent.
    expect(claims).toEqual(['shop/search-index']);
  });

  it("reports the root disk's capacity for claims whose mounts are plain directories on it, as statfs would", () => {
    const capacity = (at: number) => {
      const text = writeText(kubeletFamilies(lab.node('lab-rootsized'), lab.stateAt('lab-rootsized', at), lab.clock.startedAt, root));
      return Number(/^kubelet_volume_stats_capacity_bytes\{namespace="analytics",persistentvolumeclaim="warehouse"\} (\S+)$/m.exec(text)?.[1]);
    };
    expect(capacity(0)).toBe(root.sizeBytes);
    expect(capacity(4 * 3_600_000)).toBe((lab.scenario.claims.find((claim) => claim.claim === 'analytics/warehouse')!.capacity));
  });
});
