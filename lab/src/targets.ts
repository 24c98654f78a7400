import { KSM_PORT, KUBELET_PORT, NODE_EXPORTER_PORT, PROMETHEUS_PORT, type LabAddresses } from './addresses';
import type { LabNode } from './scenario';

/**
 * The scrape targets of a lab, in one of two conventions, so that gapscope cannot assume either:
 *
 * - `kube-prometheus`: what the prometheus-operator generates from kube-prometheus' ServiceMonitors: one
 *   `job="kubelet"` for both /metrics and /metrics/cadvisor (told apart by a `metrics_path` label), a `node`
 *   label, `honor_labels: true`, node-exporter's `instance` rewritten to the node name.
 * - `kubernetes-sd`: the hand-written style of Prometheus' example kubernetes_sd_configs `role: node` jobs:
 *   `instance` is the scraped address, node labels are copied with `labelmap`, no `node` label at all.
 *
 * Targets are handed to Prometheus through file_sd files carrying the `__meta_kubernetes_*` labels that
 * kubernetes_sd would produce, so the relabelling below runs in the real Prometheus.
 */

export const PROFILES = ['kube-prometheus', 'kubernetes-sd'] as const;
export type Profile = (typeof PROFILES)[number];
export type TargetRole = 'kubelet' | 'cadvisor' | 'node-exporter' | 'kube-state-metrics' | 'prometheus';

export interface ScrapeTarget {
  role: TargetRole;
  node: string | null;
  jobName: string;
  address: string;
  /** Labels as written into the file_sd file (may include __meta_* ones the job relabels). */
  sdLabels: Record<string, string>;
  /** The target's labels after relabelling, as Prometheus attaches them to every sample. */
  labels: Record<string, string>;
}

export interface ScrapeJob {
  jobName: string;
  role: TargetRole;
  scheme: 'http' | 'https';
  metricsPath: string;
  /** Kubelet jobs authenticate with the lab's Prometheus token. */
  kubeletAuth: boolean;
  honorLabels: boolean;
  honorTimestamps: boolean;
  labelmapNodeLabels: boolean;
}

const META_NODE_LABELS = (node: string) => ({
  __meta_kubernetes_node_name: node,
  __meta_kubernetes_node_label_kubernetes_io_hostname: node,
  __meta_kubernetes_node_label_kubernetes_io_os: 'linux',
  __meta_kubernetes_node_label_kubernetes_io_arch: 'amd64',
  __meta_kubernetes_node_label_node_kubernetes_io_instance_type: 'm6i.2xlarge',
});

function applyLabelmap(sd: Record<string, string>): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const [name, value] of Object.entries(sd)) {
    const match = /^__meta_kubernetes_node_label_(.+)$/.exec(name);
    if (match?.[1]) mapped[match[1]] = value;
  }
  return mapped;
}

export function scrapeJobs(profile: Profile): ScrapeJob[] {
  const common = { kubeletAuth: false, honorLabels: false, honorTimestamps: true, labelmapNodeLabels: false };
  if (profile === 'kube-prometheus') {
    return [
      { ...common, jobName: 'serviceMonitor/monitoring/kubelet/0', role: 'kubelet', scheme: 'https', metricsPath: '/metrics', kubeletAuth: true, honorLabels: true },
      // kube-prometheus scrapes cAdvisor with honorTimestamps: false.
      { ...common, jobName: 'serviceMonitor/monitoring/kubelet/1', role: 'cadvisor', scheme: 'https', metricsPath: '/metrics/cadvisor', kubeletAuth: true, honorLabels: true, honorTimestamps: false },
      { ...common, jobName: 'serviceMonitor/monitoring/node-exporter/0', role: 'node-exporter', scheme: 'http', metricsPath: '/metrics' },
      { ...common, jobName: 'serviceMonitor/monitoring/kube-state-metrics/0', role: 'kube-state-metrics', scheme: 'http', metricsPath: '/metrics', honorLabels: true },
      { ...common, jobName: 'serviceMonitor/monitoring/prometheus-k8s/0', role: 'prometheus', scheme: 'http', metricsPath: '/metrics' },
    ];
  }
  return [
    { ...common, jobName: 'kubernetes-nodes', role: 'kubelet', scheme: 'https', metricsPath: '/metrics', kubeletAuth: true, labelmapNodeLabels: true },
    { ...common, jobName: 'kubernetes-cadvisor', role: 'cadvisor', scheme: 'https', metricsPath: '/metrics/cadvisor', kubeletAuth: true, labelmapNodeLabels: true },
    { ...common, jobName: 'node-exporter', role: 'node-exporter', scheme: 'http', metricsPath: '/metrics', labelmapNodeLabels: true },
    { ...common, jobName: 'kube-state-metrics', role: 'kube-state-metrics', scheme: 'http', metricsPath: '/metrics', honorLabels: true },
    { ...common, jobName: 'prometheus', role: 'prometheus', scheme: 'http', metricsPath: '/metrics' },
  ];
}

/** The address each node-exporter target points at: the kubelet's port where the wrong-port fault is planted. */
export function nodeExporterAddress(ip: string, onKubeletPort: boolean): string {
  return `${ip}:${onKubeletPort ? KUBELET_PORT : NODE_EXPORTER_PORT}`;
}

interface TargetInput {
  node: LabNode;
  ip: string;
  nodeExporterOnKubeletPort: boolean;
}

export function scrapeTargets(profile: Profile, addresses: LabAddresses, nodes: readonly TargetInput[]): ScrapeTarget[] {
  const targets: ScrapeTarget[] = [];
  for (const job of scrapeJobs(profile)) {
    if (job.role === 'kube-state-metrics' || job.role === 'prometheus') {
      const address = job.role === 'prometheus' ? `${addresses.prometheus}:${PROMETHEUS_PORT}` : `${addresses.kubeStateMetrics}:${KSM_PORT}`;
      const labels: Record<string, string> =
        profile === 'kube-prometheus'
          ? { job: job.role === 'prometheus' ? 'prometheus-k8s' : 'kube-state-metrics', instance: address, namespace: 'monitoring', service: job.role === 'prometheus' ? 'prometheus-k8s' : 'kube-state-metrics', endpoint: 'http-metrics' }
          : { job: job.jobName, instance: address };
      targets.push({ role: job.role, node: null, jobName: job.jobName, address, sdLabels: labels, labels });
      continue;
    }
    for (const { node, ip, nodeExporterOnKubeletPort } of nodes) {
      const address = job.role === 'node-exporter' ? nodeExporterAddress(ip, nodeExporterOnKubeletPort) : `${ip}:${KUBELET_PORT}`;
      if (profile === 'kube-prometheus') {
        const labels: Record<string, string> =
          job.role === 'node-exporter'
            ? { job: 'node-exporter', instance: node.name, namespace: 'monitoring', service: 'node-exporter', endpoint: 'http-metrics', pod: `node-exporter-${node.name}`, container: 'node-exporter' }
            : { job: 'kubelet', instance: address, node: node.name, namespace: 'kube-system', service: 'kubelet', endpoint: 'https-metrics', metrics_path: job.metricsPath };
        targets.push({ role: job.role, node: node.name, jobName: job.jobName, address, sdLabels: labels, labels });
      } else {
        const sdLabels = META_NODE_LABELS(node.name);
        targets.push({ role: job.role, node: node.name, jobName: job.jobName, address, sdLabels, labels: { job: job.jobName, instance: address, ...applyLabelmap(sdLabels) } });
      }
    }
  }
  return targets;
}

/**
 * The labels a scraped sample ends up with: target labels added; on a conflict the scraped value wins with
 * honor_labels, otherwise the scraped one is kept as exported_<name>. Empty values are dropped, as the TSDB does.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */
export function storedLabels(metric: ReadonlyArray<readonly [string, string]>, target: Record<string, string>, honorLabels: boolean): [string, string][] {
  const result = new Map<string, string>();
  for (const [name, value] of metric) result.set(name, value);
  for (const [name, value] of Object.entries(target)) {
    if (result.has(name) && !honorLabels) {
      result.set(`exported_${name}`, result.get(name)!);
      result.set(name, value);
    } else if (!result.has(name)) {
      result.set(name, value);
    }
  }
  return [...result].filter(([, value]) => value !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
