import { describe, expect, it } from 'vitest';
import { realFixture } from '@/lab/test-support/fixtures';
import { familyFindings, observation, sample } from '@/lib/test-support/observation';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { cadvisorNetwork } from '.';

/** A real kubelet's /metrics/cadvisor (containerd, kind), as the parts count it: pods with CPU and with network series. */
const capture = parseExposition(realFixture('nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt'), { families: ['container_cpu_usage_seconds_total', 'container_network_receive_bytes_total'] });
/** Pods with series of `family` (of their containers only, for CPU: the parts' `container!=""`). */
const podsWith = (family: string) =>
  new Set(capture.families.find((entry) => entry.name === family)!.samples.filter((entry) => entry.labels.pod && (family.includes('network') || entry.labels.container)).map((entry) => `${entry.labels.namespace}/${entry.labels.pod}`)).size;
const TARGET = { job: 'kubelet', instance: '10.0.0.1:10250' };

const observed = (counts: { expected: number; labelled: number; networked: number }, node: { containerRuntime?: string; kubeletVersion?: string } = {}) =>
  observation({
    node,
    parts: {
      'cadvisor-network': {
        expected: counts.expected > 0 ? [sample({ node: 'n' }, counts.expected)] : [],
        labelled: counts.labelled > 0 ? [sample(TARGET, counts.labelled)] : [],
        networked: counts.networked > 0 ? [sample(TARGET, counts.networked)] : [],
      },
    },
  });

describe('cadvisor-network-missing', () => {
  it('the real capture (containerd): every pod has network series, hostNetwork pods included', () => {
    expect(podsWith('container_network_receive_bytes_total')).toBeGreaterThanOrEqual(podsWith('container_cpu_usage_seconds_total'));
    const counts = { expected: 12, labelled: podsWith('container_cpu_usage_seconds_total'), networked: podsWith('container_network_receive_bytes_total') };
    expect(cadvisorNetwork.rule(observed(counts))).toMatchObject([{ state: 'ok', value: counts.networked }]);
    expect(counts.networked).toBeGreaterThan(10);
  });

  it.each([
    ['CRI-O without infra containers', { containerRuntime: 'cri-o://1.30.4', kubeletVersion: 'v1.30.4' }, 'no-infra-container', /drop_infra_ctr = false/],
    ['Docker through cri-dockerd', { containerRuntime: 'docker://24.0.7', kubeletVersion: 'v1.29.4' }, 'cri-stats-provider', /containerd or CRI-O/],
    ['containerd', { containerRuntime: 'containerd://1.7.27', kubeletVersion: 'v1.31.4' }, 'unknown', /feature gates/],
  ])('%s: pods off the host network, series per pod but none of network: %s', (_, node, cause, fix) => {
    // The capture's pods with their CPU series, their network series gone, as such a node serves them.
    const [finding] = familyFindings(cadvisorNetwork, observed({ expected: 12, labelled: podsWith('container_cpu_usage_seconds_total'), networked: 0 }, node));
    expect(finding).toMatchObject({ kind: 'cadvisor-network-missing', cause, severity: 'warning', layer: 'source', subject: 'pod network series' });
    expect(`${finding!.remediation.text} ${finding!.remediation.snippet ?? ''}`).toMatch(fix);
    expect(finding!.evidence[0]!.excerpt).toBe('12 running pods with host_network="false" on n');
  });

  it('a node whose pods all use the host network has nothing to report per pod (the CRI-O trap)', () => {
    expect(familyFindings(cadvisorNetwork, observed({ expected: 0, labelled: 3, networked: 0 }, { containerRuntime: 'cri-o://1.30.4' }))).toEqual([]);
  });

  it('cannot judge networks where no pod has series of its own (empty cAdvisor labels: a cadvisor-labels finding)', () => {
    expect(cadvisorNetwork.rule(observed({ expected: 4, labelled: 0, networked: 0 }))).toMatchObject([{ state: 'no-data' }]);
    // Except through cri-dockerd, where the pods lose their network for a reason of its own as well.
    expect(cadvisorNetwork.rule(observed({ expected: 4, labelled: 0, networked: 0 }, { containerRuntime: 'docker://24.0.7', kubeletVersion: 'v1.29.4' }))).toMatchObject([{ state: 'fault', cause: 'cri-stats-provider' }]);
    expect(cadvisorNetwork.rule(observation({ parts: { 'cadvisor-network': { expected: null, labelled: null, networked: null } } }))).toBeNull();
  });
});
