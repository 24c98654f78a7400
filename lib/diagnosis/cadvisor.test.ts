import { describe, expect, it } from 'vitest';
import { realFixture } from '@/lab/test-support/fixtures';
import { parseExposition } from '@/lib/exposition/scanner';
import { CONTAINER_CGROUP_REGEX, detectCadvisorFindings, isContainerCgroup, type CadvisorInput } from './cadvisor';

const base: CadvisorInput = { node: 'n', at: '2026-01-01T00:00:00.000Z', query: 'q', unlabelled: [], legacySeries: 0, legacyQuery: 'l', startQueries: 's' };
const container = (id = `/kubepods/burstable/pod${'a'.repeat(8)}-0000-4000-a000-${'0'.repeat(12)}/${'f'.repeat(64)}`) => ({ labels: { id, namespace: 'shop', pod: 'p' } });

/** What Prometheus would store from a capture for `image=""`: the series whose image label is empty. */
function storedWithoutImage(file: string) {
  const { families } = parseExposition(realFixture(file), { families: ['container_cpu_usage_seconds_total'] });
  return families[0]!.samples.filter((sample) => !sample.labels.image).map((sample) => ({ labels: sample.labels }));
}

describe('cadvisor-labels-empty on the real captures', () => {
  it.each(['nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'])(
    '%s: id="/", system slices and pod-level cgroups never count',
    (file) => {
      const unlabelled = storedWithoutImage(file);
      expect(unlabelled.some((series) => series.labels.id === '/')).toBe(true);
      expect(unlabelled.some((series) => /\/pod[^/]+$/.test(series.labels.id ?? ''))).toBe(true);
      expect(detectCadvisorFindings({ ...base, unlabelled }).filter((finding) => finding.kind === 'cadvisor-labels-empty')).toEqual([]);
    },
  );

  it('recognizes container cgroups of both cgroup drivers, and nothing else', () => {
    expect(isContainerCgroup(container().labels.id)).toBe(true);
    expect(isContainerCgroup(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b6f5b1e_0000_4000_a000_000000000001.slice/cri-containerd-${'a'.repeat(64)}.scope`)).toBe(true);
    expect(isContainerCgroup(`/kubepods/besteffort/podeaf7d48161d81d9c3359e1c008571fd6/${'b'.repeat(64)}`)).toBe(true);
    for (const id of ['/', '/kubepods', '/kubepods/burstable/pod0b6f5b1e-0000-4000-a000-000000000001', '/system.slice/kubelet.service']) expect(isContainerCgroup(id)).toBe(false);
  });
});

describe('detectCadvisorFindings', () => {
  it.each([
    ['the runtime started after the kubelet', { kubeletStartedAt: 1_000_000, runtimeStartedAt: 1_120_000, runtimeVersion: 'containerd://1.7.27' }, 'runtime-started-after-kubelet', /120 s later/],
    ['a Docker version cAdvisor refuses', { kubeletStartedAt: 2_000_000, runtimeStartedAt: 1_000_000, runtimeVersion: 'docker://dev' }, 'runtime-factory-failed', /does not match cAdvisor's/],
    ['containerd embedded by k3s', { kubeletStartedAt: 1_000_000, runtimeVersion: 'containerd://2.0.5-k3s1' }, 'runtime-socket-unreachable', /"-k3s" suffix says k3s embeds it/],
    ['a containerd without its own unit', { kubeletStartedAt: 1_000_000, runtimeVersion: 'containerd://1.7.27' }, 'runtime-socket-unreachable', /as k3s, RKE2 and k0s embed it/],
    ['nothing to tell', { kubeletStartedAt: 2_000_000, runtimeStartedAt: 1_000_000, runtimeVersion: 'containerd://1.7.27' }, 'unknown', /do not show why/],
    ['nothing known at all', {}, 'unknown', /do not show why/],
  ])('blames %s', (_, extra, cause, explanation) => {
    const [finding] = detectCadvisorFindings({ ...base, ...extra, unlabelled: [container(), container(`/kubepods/pod${'c'.repeat(32)}/${'d'.repeat(64)}`)] });
    expect(finding).toMatchObject({ kind: 'cadvisor-labels-empty', cause, subject: '2 container cgroups', severity: 'critical' });
    expect(finding!.explanation).toMatch(explanation);
    expect(finding!.summary).toBe(`2 container series on n have empty image, name and container labels (${cause})`);
  });

  it('reports the legacy pod_name / container_name labels of the 1.15 capture', () => {
    const { families } = parseExposition(realFixture('nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'), { families: ['container_cpu_usage_seconds_total'] });
    const legacySeries = families[0]!.samples.filter((sample) => sample.labels.pod_name).length;
    const findings = detectCadvisorFindings({ ...base, legacySeries });
    expect(findings.map((finding) => [finding.kind, finding.severity])).toEqual([['cadvisor-legacy-labels', 'info']]);
  });
});

describe('CONTAINER_CGROUP_REGEX', () => {
  it.each([
    ['/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6/' + 'a'.repeat(64), true],
    ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0c9f3a3e_1b2c_4d5e_8f90_a1b2c3d4e5f6.slice/cri-containerd-' + 'b'.repeat(64) + '.scope', true],
    ['/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6', false],
    ['/system.slice/containerd.service', false],
  ])('matches %s as PromQL would (anchored): %s', (id, container) => {
    expect(new RegExp(`^(?:${CONTAINER_CGROUP_REGEX})$`).test(id)).toBe(container);
    expect(isContainerCgroup(id)).toBe(container);
  });
});
