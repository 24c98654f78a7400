import { describe, expect, it } from 'vitest';
import { labAddresses } from './addresses';
import { defaultLab } from '../test-support/default-lab';
import { LEGACY_EXPORTER_JOB, scrapeJobs, scrapeTargets, storedLabels, type Profile } from './targets';

describe('storedLabels (Prometheus target label merging)', () => {
  it.each([
    ['adds target labels', [['a', '1']], { job: 'j' }, false, [['a', '1'], ['job', 'j']]],
    ['keeps a conflicting scraped label as exported_ without honor_labels', [['node', 'x']], { node: 'y' }, false, [['exported_node', 'x'], ['node', 'y']]],
    ['lets the scraped label win with honor_labels', [['node', 'x']], { node: 'y' }, true, [['node', 'x']]],
    ['drops empty values, scraped or not', [['image', ''], ['pod', 'p']], { namespace: 'kube-system' }, false, [['namespace', 'kube-system'], ['pod', 'p']]],
    ['does not fill an empty scraped label from the target with honor_labels', [['namespace', '']], { namespace: 'kube-system' }, true, []],
  ] as const)('%s', (_, metric, target, honor, expected) => {
    expect(storedLabels(metric, target, honor)).toEqual(expected);
  });
});

describe('scrape targets of the two profiles', () => {
  const { nodes } = defaultLab();
  const addresses = labAddresses(10);
  const input = nodes.map((node) => ({ node, ip: addresses.node(node.index), nodeExporterOnKubeletPort: node.name === 'lab-wrongport' }));

  it('kube-prometheus(-stack 88.5.3): job=kubelet with metrics_path from relabelling, a node label; node-exporter a pod endpoint', () => {
    const targets = scrapeTargets('kube-prometheus', addresses, input);
    const cadvisor = targets.find((target) => target.role === 'cadvisor' && target.node === 'lab-healthy')!;
    expect(cadvisor.jobName).toBe('serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1');
    expect(cadvisor.labels).toMatchObject({ job: 'kubelet', metrics_path: '/metrics/cadvisor', node: 'lab-healthy', instance: '127.10.1.10:10250', service: 'kube-prometheus-stack-kubelet' });
    // metrics_path is the job's relabelling's doing, not a label of the discovered target.
    expect(cadvisor.sdLabels.metrics_path).toBeUndefined();
    const exporter = targets.find((target) => target.role === 'node-exporter' && target.node === 'lab-wrongport')!;
    expect(exporter.labels).toMatchObject({ job: 'node-exporter', instance: '127.10.1.16:10250', namespace: 'monitoring', container: 'node-exporter' });
    expect(exporter.labels.node).toBeUndefined();
    expect(exporter.address).toBe('127.10.1.16:10250');
  });

  it("kube-prometheus: the cadvisor job carries the chart's cAdvisorMetricRelabelings, the [id, pod] drop last", () => {
    const cadvisor = scrapeJobs('kube-prometheus').find((job) => job.role === 'cadvisor')!;
    expect(cadvisor.intervalSeconds).toBe(10);
    expect(cadvisor.metricRelabelConfigs.at(-1)).toEqual({ source_labels: ['id', 'pod'], action: 'drop', regex: '.+;' });
    expect(scrapeJobs('kubernetes-sd').every((job) => job.metricRelabelConfigs.length === 0)).toBe(true);
  });

  it("puts the scenario's scrape limits where each profile's configuration puts them", () => {
    const limits = { sampleLimit: 250, labelValueLengthLimit: 160, bodySizeLimit: '1MiB' };
    const roles = (profile: Profile) => Object.fromEntries(scrapeJobs(profile, undefined, limits).map((job) => [job.jobName, job.limits ?? {}]));
    // The operator: the kubelet ServiceMonitor's limits on its three jobs, enforcedBodySizeLimit on every job it generates.
    const operator = roles('kube-prometheus');
    expect(operator['serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1']).toEqual(limits);
    expect(operator['serviceMonitor/monitoring/kube-prometheus-stack-kube-state-metrics/0']).toEqual({ bodySizeLimit: '1MiB' });
    expect(operator[LEGACY_EXPORTER_JOB]).toEqual({});
    // Hand-written jobs: the cAdvisor job's sample and label limits, the node-exporter job's body size limit.
    const handWritten = roles('kubernetes-sd');
    expect(handWritten).toMatchObject({ 'kubernetes-cadvisor': { sampleLimit: 250, labelValueLengthLimit: 160 }, 'node-exporter': { bodySizeLimit: '1MiB' } });
    expect(handWritten['kubernetes-nodes']).toEqual({});
    expect(scrapeJobs('kubernetes-sd').every((job) => job.limits === undefined)).toBe(true);
  });

  it('kubernetes-sd: instance is the address, node labels come through labelmap, no node label', () => {
    const targets = scrapeTargets('kubernetes-sd', addresses, input);
    const kubelet = targets.find((target) => target.role === 'kubelet' && target.node === 'lab-healthy')!;
    expect(kubelet.labels).toEqual({
      job: 'kubernetes-nodes',
      // This profile moves the kubelet to 11250 (and node_exporter to 9110): nothing may assume a port.
      instance: '127.10.1.10:11250',
      kubernetes_io_hostname: 'lab-healthy',
      kubernetes_io_os: 'linux',
      kubernetes_io_arch: 'amd64',
      node_kubernetes_io_instance_type: 'm6i.2xlarge',
    });
    expect(kubelet.sdLabels.__meta_kubernetes_node_name).toBe('lab-healthy');
  });
});
