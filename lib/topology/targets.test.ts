import { describe, expect, it } from 'vitest';
import { labAddresses } from '@/lab/src/addresses';
import { LEGACY_EXPORTER_JOB, PROFILES, scrapeTargets } from '@/lab/src/targets';
import { defaultLab } from '@/lab/test-support/default-lab';
import { hostOf, indexNodes, nodeOfTarget, roleOfTarget } from './targets';

const { nodes } = defaultLab();
const addresses = labAddresses(10);
const index = indexNodes(nodes.map((node) => ({ name: node.name, internalIp: addresses.node(node.index) })));

describe.each(PROFILES)('with the %s convention and no configuration', (profile) => {
  const targets = scrapeTargets(profile, addresses, nodes.map((node) => ({ node, ip: addresses.node(node.index), nodeExporterOnKubeletPort: node.name === 'lab-wrongport' })));

  it('scrapes with the leftover static job only the exporter of a node that plants scraped-twice', () => {
    const withTwice = scrapeTargets(profile, addresses, nodes.map((node, index) => ({ node, ip: addresses.node(node.index), nodeExporterOnKubeletPort: node.name === 'lab-wrongport', scrapedTwice: index === 0 })));
    const legacy = withTwice.filter((target) => target.jobName === LEGACY_EXPORTER_JOB);
    expect(legacy.map((target) => [target.node, target.labels.job])).toEqual([[nodes[0]!.name, LEGACY_EXPORTER_JOB]]);
    expect(withTwice.length).toBe(targets.length + 1);
  });

  it.each(targets.map((target) => [`${target.jobName} ${target.address}`, target] as const))('places %s', (_, target) => {
    const kubeletPath = { cadvisor: '/metrics/cadvisor', probes: '/metrics/probes', kubelet: '/metrics' } as Record<string, string>;
    const path = kubeletPath[target.role] ?? '/metrics';
    const scrapeUrl = `${kubeletPath[target.role] ? 'https' : 'http'}://${target.address}${target.discovered ? `/api/v1/nodes/${target.node}/proxy${path}` : path}`;
    // The kubelet's /metrics/probes is not a layer gapscope compares; Prometheus and the API server neither.
    const role = target.role === 'prometheus' || target.role === 'probes' || target.role === 'apiserver' ? null : target.role;
    expect(roleOfTarget({ labels: target.labels, scrapeUrl })).toBe(role);
    if (target.node) expect(nodeOfTarget({ labels: target.labels, scrapeUrl }, index)).toBe(target.node);
  });

  it('places node targets from `up` labels alone (no scrape URL, as with Thanos or Mimir)', () => {
    for (const target of targets.filter((candidate) => candidate.node && candidate.role !== 'cadvisor')) {
      expect(nodeOfTarget({ labels: target.labels }, index)).toBe(target.node);
    }
  });
});

describe('roleOfTarget', () => {
  it.each([
    ['Helm chart node-exporter', { job: 'kubernetes-service-endpoints', app_kubernetes_io_name: 'prometheus-node-exporter' }, 'http://10.0.0.1:9100/metrics', 'node-exporter'],
    ['Helm chart kube-state-metrics', { job: 'kubernetes-service-endpoints', app_kubernetes_io_name: 'kube-state-metrics' }, 'http://10.1.0.1:8080/metrics', 'kube-state-metrics'],
    ['kube-prometheus kubelet probes', { job: 'kubelet', metrics_path: '/metrics/probes' }, '', null],
    ['an application', { job: 'checkout' }, 'http://10.2.0.1:8080/metrics', null],
    ['a cadvisor job by name', { job: 'kubernetes-cadvisor' }, '', 'cadvisor'],
  ])('%s', (_, labels, scrapeUrl, role) => {
    expect(roleOfTarget({ labels, scrapeUrl })).toBe(role);
  });
});

describe('hostOf', () => {
  it.each([
    ['10.0.0.5:9100', '10.0.0.5'],
    ['[fd00::5]:10250', 'fd00::5'],
    ['fd00::5', 'fd00::5'],
    ['node-a', 'node-a'],
    ['node-a:9100', 'node-a'],
  ])('%s -> %s', (instance, host) => expect(hostOf(instance)).toBe(host));

  it('matches an IPv6 node by its InternalIP', () => {
    const v6 = indexNodes([{ name: 'node-v6', internalIp: 'fd00::5' }]);
    expect(nodeOfTarget({ labels: { instance: '[fd00::5]:10250', job: 'kubelet' } }, v6)).toBe('node-v6');
  });
});
