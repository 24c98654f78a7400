import { describe, expect, it } from 'vitest';
import { realFixture } from '@/lab/test-support/fixtures';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { familyFindings, observation, sample } from '@/lib/test-support/observation';
import { cadvisorLabels } from '.';
import { CONTAINER_CGROUP_REGEX, isContainerCgroup } from './causes';

const container = (id = `/kubepods/burstable/pod${'a'.repeat(8)}-0000-4000-a000-${'0'.repeat(12)}/${'f'.repeat(64)}`) => sample({ id, namespace: 'shop', pod: 'p' });
const observed = (unlabelled: ReturnType<typeof sample>[], extra: Parameters<typeof observation>[0] = {}, legacy: ReturnType<typeof sample>[] = []) =>
  observation({ ...extra, parts: { 'cadvisor-labels': { unlabelled, legacy } } });

/** What Prometheus would return for the family's selector from a capture: series of container cgroups without image. */
function storedWithoutImage(file: string) {
  const { families } = parseExposition(realFixture(file), { families: ['container_cpu_usage_seconds_total'] });
  return families[0]!.samples.filter((entry) => !entry.labels.image).map((entry) => sample(entry.labels));
}

describe('cadvisor-labels-empty on the real captures', () => {
  it.each(['nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'])(
    '%s: id="/", system slices and pod-level cgroups never count',
    (file) => {
      const unlabelled = storedWithoutImage(file);
      expect(unlabelled.some((series) => series.labels.id === '/')).toBe(true);
      expect(unlabelled.some((series) => /\/pod[^/]+$/.test(series.labels.id ?? ''))).toBe(true);
      expect(familyFindings(cadvisorLabels, observed(unlabelled))).toEqual([]);
      expect(cadvisorLabels.rule(observed(unlabelled))!.find((verdict) => verdict.subject === 'container cgroups')).toMatchObject({ state: 'ok', value: 0 });
    },
  );

  it('recognizes container cgroups of both cgroup drivers, and nothing else', () => {
    expect(isContainerCgroup(container().labels.id!)).toBe(true);
    expect(isContainerCgroup(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b6f5b1e_0000_4000_a000_000000000001.slice/cri-containerd-${'a'.repeat(64)}.scope`)).toBe(true);
    expect(isContainerCgroup(`/kubepods/besteffort/podeaf7d48161d81d9c3359e1c008571fd6/${'b'.repeat(64)}`)).toBe(true);
    for (const id of ['/', '/kubepods', '/kubepods/burstable/pod0b6f5b1e-0000-4000-a000-000000000001', '/system.slice/kubelet.service']) expect(isContainerCgroup(id)).toBe(false);
  });
});

describe('the cadvisor-labels rule', () => {
  const two = [container(), container(`/kubepods/pod${'c'.repeat(32)}/${'d'.repeat(64)}`)];
  it.each([
    ['the runtime started after the kubelet', { starts: { kubelet: 1_000_000, runtime: 1_120_000 }, node: { containerRuntime: 'containerd://1.7.27' } }, 'runtime-started-after-kubelet', /120 s later/],
    ['a Docker version cAdvisor refuses', { starts: { kubelet: 2_000_000, runtime: 1_000_000 }, node: { containerRuntime: 'docker://dev' } }, 'runtime-factory-failed', /does not match cAdvisor's/],
    ['containerd embedded by k3s', { starts: { kubelet: 1_000_000 }, node: { containerRuntime: 'containerd://2.0.5-k3s1' } }, 'runtime-socket-unreachable', /"-k3s" suffix says k3s embeds it/],
    ['a containerd without its own unit', { starts: { kubelet: 1_000_000 }, node: { containerRuntime: 'containerd://1.7.27' } }, 'runtime-socket-unreachable', /as k3s, RKE2 and k0s embed it/],
    ['nothing to tell', { starts: { kubelet: 2_000_000, runtime: 1_000_000 }, node: { containerRuntime: 'containerd://1.7.27' } }, 'unknown', /do not show why/],
    ['nothing known at all', { node: { containerRuntime: '' } }, 'unknown', /do not show why/],
  ])('blames %s, as a verdict and as a finding', (_, extra, cause, explanation) => {
    const observedNode = observed(two, extra);
    expect(cadvisorLabels.rule(observedNode)![0]).toMatchObject({ subject: 'container cgroups', state: 'fault', cause, value: 2 });
    const [finding] = familyFindings(cadvisorLabels, observedNode);
    expect(finding).toMatchObject({ kind: 'cadvisor-labels-empty', cause, subject: 'container cgroups', severity: 'critical' });
    expect(finding!.explanation).toMatch(explanation);
    expect(finding!.summary).toBe(`2 container series on n have empty image, name and container labels (${cause})`);
  });

  it('cannot judge without the cAdvisor series (target not up, or the request failed)', () => {
    expect(cadvisorLabels.rule(observation({ parts: { 'cadvisor-labels': { unlabelled: null, legacy: null } } }))).toBeNull();
    expect(cadvisorLabels.rule(observation())).toBeNull();
  });

  it('reports the legacy pod_name / container_name labels of the 1.15 capture', () => {
    const { families } = parseExposition(realFixture('nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'), { families: ['container_cpu_usage_seconds_total'] });
    const legacySeries = families[0]!.samples.filter((entry) => entry.labels.pod_name).length;
    expect(legacySeries).toBeGreaterThan(0);
    const findings = familyFindings(cadvisorLabels, observed([], {}, [sample({ job: 'kubelet', instance: 'i' }, legacySeries)]));
    expect(findings.map((finding) => [finding.kind, finding.severity, finding.subject])).toEqual([['cadvisor-legacy-labels', 'info', 'pod_name / container_name labels']]);
  });
});

describe('CONTAINER_CGROUP_REGEX', () => {
  it.each([
    ['/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6/' + 'a'.repeat(64), true],
    ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0c9f3a3e_1b2c_4d5e_8f90_a1b2c3d4e5f6.slice/cri-containerd-' + 'b'.repeat(64) + '.scope', true],
    ['/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6', false],
    ['/system.slice/containerd.service', false],
  ])('matches %s as PromQL would (anchored): %s', (id, isContainer) => {
    expect(new RegExp(`^(?:${CONTAINER_CGROUP_REGEX})$`).test(id)).toBe(isContainer);
    expect(isContainerCgroup(id)).toBe(isContainer);
  });
});
