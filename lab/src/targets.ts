import { compileRules, relabel, type RelabelConfig } from '@/lib/prometheus/relabel';
import { APISERVER_PORT, KSM_PORT, PROMETHEUS_PORT, nodePorts, type LabAddresses, type NodePorts } from './addresses';
import { faultOf, type LabNode } from './scenario';

/**
 * The scrape targets of a lab, in one of two conventions, so that gapscope cannot assume either:
 *
 * - `kube-prometheus`: what the prometheus-operator (v0.93.1) generates from the ServiceMonitors of the
 *   kube-prometheus-stack Helm chart 88.5.3 with its default values (lab/README.md lists each default and
 *   where it comes from): the kubelet Service's three endpoints (/metrics, /metrics/cadvisor every 10 s,
 *   /metrics/probes) as jobs `serviceMonitor/monitoring/kube-prometheus-stack-kubelet/<n>`, all with
 *   `job="kubelet"`, a `node` label, `metrics_path` copied from `__metrics_path__`, honor_labels, and the
 *   chart's metricRelabelings and cAdvisorMetricRelabelings (the last of which drops every cgroup series
 *   whose `pod` is empty); node-exporter and kube-state-metrics as pod endpoints (`instance` = pod address).
 * - `kubernetes-sd`: the hand-written style of Prometheus' example kubernetes_sd_configs `role: node` jobs:
 *   `instance` is the scraped address, node labels are copied with `labelmap`, no `node` label at all, no
 *   metric relabelling.
 * - `prometheus-chart`: what the prometheus-community `prometheus` chart generated up to 28.6: jobs
 *   `kubernetes-nodes` and `kubernetes-nodes-cadvisor` scrape every kubelet through the API server's node
 *   proxy (one scrape address for all, the path /api/v1/nodes/<node>/proxy/metrics[/cadvisor]), `instance`
 *   is the node name node discovery sets, node labels come through labelmap, no `node` or `metrics_path`
 *   label; node-exporter and kube-state-metrics come through `kubernetes-service-endpoints` with `node` from
 *   the pod's node (kube-state-metrics' own node, for its series without one); `kubernetes-apiservers`
 *   scrapes the API server's own /metrics.
 *
 * Targets are handed to Prometheus through file_sd files carrying the `__meta_kubernetes_*` labels that
 * kubernetes_sd would produce, so the relabelling below runs in the real Prometheus.
 */

export const PROFILES = ['kube-prometheus', 'kubernetes-sd', 'prometheus-chart'] as const;
export type Profile = (typeof PROFILES)[number];
export type TargetRole = 'kubelet' | 'cadvisor' | 'probes' | 'node-exporter' | 'kube-state-metrics' | 'prometheus' | 'apiserver';

export interface ScrapeTarget {
  role: TargetRole;
  node: string | null;
  jobName: string;
  /** The address Prometheus scrapes (after relabelling). */
  address: string;
  /** The address service discovery gives, where relabelling replaces it (the API server proxy). */
  discovered?: string;
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
  /** The job's own scrape_interval in seconds; undefined: the global one. */
  intervalSeconds?: number;
  /** Kubelet jobs authenticate with the lab's Prometheus token. */
  kubeletAuth: boolean;
  /** Kubelet jobs: skip verifying the kubelet's serving certificate (the chart's default) or verify it with the lab CA. */
  insecureSkipVerify?: boolean;
  honorLabels: boolean;
  honorTimestamps: boolean;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  /** sample_limit and label_value_length_limit, where the scenario sets them. */
  limits?: ScrapeLimitSpec;
}

export interface ScrapeLimitSpec {
  sampleLimit?: number;
  labelValueLengthLimit?: number;
  bodySizeLimit?: string;
}

/** The chart's `relabelings` for every kubelet endpoint: "metrics_path is required to match upstream rules and charts". */
const METRICS_PATH_LABEL: RelabelConfig = { action: 'replace', source_labels: ['__metrics_path__'], target_label: 'metrics_path' };

/** kube-prometheus-stack 88.5.3 `kubelet.serviceMonitor.metricRelabelings`. */
export const CHART_KUBELET_METRIC_RELABELINGS: RelabelConfig[] = [
  { action: 'drop', source_labels: ['__name__', 'le'], regex: '(csi_operations|storage_operation_duration)_seconds_bucket;(0.25|2.5|15|25|120|600)(\\.0)?' },
];

/** kube-prometheus-stack 88.5.3 `kubelet.serviceMonitor.cAdvisorMetricRelabelings`, in order. */
export const CHART_CADVISOR_METRIC_RELABELINGS: RelabelConfig[] = [
  { source_labels: ['__name__'], action: 'drop', regex: 'container_cpu_(cfs_throttled_seconds_total|load_average_10s|system_seconds_total|user_seconds_total)' },
  { source_labels: ['__name__'], action: 'drop', regex: 'container_fs_(io_current|io_time_seconds_total|io_time_weighted_seconds_total|reads_merged_total|sector_reads_total|sector_writes_total|writes_merged_total)' },
  { source_labels: ['__name__'], action: 'drop', regex: 'container_memory_(mapped_file|swap)' },
  { source_labels: ['__name__'], action: 'drop', regex: 'container_(file_descriptors|tasks_state|threads_max)' },
  { source_labels: ['__name__', 'scope'], action: 'drop', regex: 'container_memory_failures_total;hierarchy' },
  { source_labels: ['__name__', 'interface'], action: 'drop', regex: 'container_network_.*;(cali|cilium|cni|lxc|nodelocaldns|tunl).*' },
  { source_labels: ['__name__'], action: 'drop', regex: 'container_spec.*' },
  { source_labels: ['id', 'pod'], action: 'drop', regex: '.+;' },
];

const RELEASE = 'kube-prometheus-stack';

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

const LABELMAP_NODE_LABELS: RelabelConfig = { action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' };

/** prometheus chart 28.6's `kubernetes-service-endpoints` relabel_configs, in order. */
const SERVICE_ENDPOINTS_RELABELING: RelabelConfig[] = [
  { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' },
  { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_scrape_slow'], action: 'drop', regex: 'true' },
  { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_scheme'], action: 'replace', target_label: '__scheme__', regex: '(https?)' },
  { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_path'], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
  { source_labels: ['__address__', '__meta_kubernetes_service_annotation_prometheus_io_port'], action: 'replace', target_label: '__address__', regex: '(.+?)(?::\\d+)?;(\\d+)', replacement: '$1:$2' },
  { action: 'labelmap', regex: '__meta_kubernetes_service_annotation_prometheus_io_param_(.+)', replacement: '__param_$1' },
  { action: 'labelmap', regex: '__meta_kubernetes_service_label_(.+)' },
  { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_service_name'], action: 'replace', target_label: 'service' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], action: 'replace', target_label: 'node' },
];

/**
 * Prometheus' example `kubernetes-pods` job (documentation/examples/prometheus-kubernetes.yml), as hand-written
 * configs copy it, with the pod's node added as many do: the target gets the pod's namespace, name and node.
 */
const PODS_RELABELING: RelabelConfig[] = [
  { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' },
  { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
  { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], action: 'replace', target_label: 'node' },
];

/** prometheus chart 28.6's kubelet jobs: to the API server, with the node proxy path. */
const proxiedKubelet = (apiserver: string, path: string): RelabelConfig[] => [
  LABELMAP_NODE_LABELS,
  { target_label: '__address__', replacement: apiserver },
  { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: `/api/v1/nodes/$1/proxy${path}` },
];

const COMMON_JOB = { kubeletAuth: false, honorLabels: false, honorTimestamps: true, relabelConfigs: [], metricRelabelConfigs: [] };

/**
 * Every job Prometheus runs: the profile's own, and the leftover static one (with targets only where a node
 * plants scraped-twice, an empty job otherwise). `apiserver`: the API server's address, which the
 * prometheus chart's kubelet jobs scrape through.
 */
export function scrapeJobs(profile: Profile, apiserver = 'kubernetes.default.svc:443', limits: ScrapeLimitSpec = {}): ScrapeJob[] {
  // In kube-prometheus the sample and label limits are the kubelet ServiceMonitor's, so every one of its
  // endpoints' jobs has them; the body size limit is the operator's enforced one, on every job it generates.
  const limitedRoles: TargetRole[] = profile === 'kube-prometheus' ? ['kubelet', 'cadvisor', 'probes'] : ['cadvisor'];
  const withLimits = (job: ScrapeJob): ScrapeJob => {
    const set: ScrapeLimitSpec = {};
    if (limitedRoles.includes(job.role)) {
      if (limits.sampleLimit !== undefined) set.sampleLimit = limits.sampleLimit;
      if (limits.labelValueLengthLimit !== undefined) set.labelValueLengthLimit = limits.labelValueLengthLimit;
    }
    if (limits.bodySizeLimit !== undefined && (profile === 'kube-prometheus' || job.role === 'node-exporter')) set.bodySizeLimit = limits.bodySizeLimit;
    return Object.keys(set).length > 0 ? { ...job, limits: set } : job;
  };
  // The leftover and second-stack jobs are hand-written, beside the profile's: none of its limits apply to them.
  return [
    ...profileJobs(profile, apiserver).map(withLimits),
    { ...COMMON_JOB, jobName: LEGACY_EXPORTER_JOB, role: 'node-exporter', scheme: 'http', metricsPath: '/metrics' },
    { ...COMMON_JOB, jobName: OTHER_STACK_CADVISOR_JOB, role: 'cadvisor', scheme: 'https', kubeletAuth: true, insecureSkipVerify: false, metricsPath: '/metrics/cadvisor' },
  ];
}

/** The profile's own jobs, whose targets come from discovery. */
function profileJobs(profile: Profile, apiserver = 'kubernetes.default.svc:443'): ScrapeJob[] {
  const common = COMMON_JOB;
  if (profile === 'prometheus-chart') {
    const viaApiserver = { ...common, scheme: 'https' as const, kubeletAuth: true, insecureSkipVerify: false };
    return [
      {
        ...viaApiserver,
        jobName: 'kubernetes-apiservers',
        role: 'apiserver',
        metricsPath: '/metrics',
        relabelConfigs: [{ source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'], action: 'keep', regex: 'default;kubernetes;https' }],
      },
      { ...viaApiserver, jobName: 'kubernetes-nodes', role: 'kubelet', metricsPath: '/metrics', relabelConfigs: proxiedKubelet(apiserver, '/metrics') },
      { ...viaApiserver, jobName: 'kubernetes-nodes-cadvisor', role: 'cadvisor', metricsPath: '/metrics', relabelConfigs: proxiedKubelet(apiserver, '/metrics/cadvisor') },
      // node-exporter and kube-state-metrics targets share this job.
      { ...common, jobName: 'kubernetes-service-endpoints', role: 'node-exporter', scheme: 'http', metricsPath: '/metrics', honorLabels: true, relabelConfigs: SERVICE_ENDPOINTS_RELABELING },
      { ...common, jobName: 'prometheus', role: 'prometheus', scheme: 'http', metricsPath: '/metrics' },
    ];
  }
  if (profile === 'kube-prometheus') {
    const kubelet = { ...common, scheme: 'https' as const, kubeletAuth: true, insecureSkipVerify: true, honorLabels: true, relabelConfigs: [METRICS_PATH_LABEL] };
    const job = (name: string, endpoint: number) => `serviceMonitor/monitoring/${RELEASE}-${name}/${endpoint}`;
    return [
      { ...kubelet, jobName: job('kubelet', 0), role: 'kubelet', metricsPath: '/metrics', metricRelabelConfigs: CHART_KUBELET_METRIC_RELABELINGS },
      { ...kubelet, jobName: job('kubelet', 1), role: 'cadvisor', metricsPath: '/metrics/cadvisor', intervalSeconds: 10, metricRelabelConfigs: CHART_CADVISOR_METRIC_RELABELINGS },
      { ...kubelet, jobName: job('kubelet', 2), role: 'probes', metricsPath: '/metrics/probes' },
      { ...common, jobName: job('prometheus-node-exporter', 0), role: 'node-exporter', scheme: 'http', metricsPath: '/metrics' },
      { ...common, jobName: job('kube-state-metrics', 0), role: 'kube-state-metrics', scheme: 'http', metricsPath: '/metrics', honorLabels: true },
      { ...common, jobName: job('prometheus', 0), role: 'prometheus', scheme: 'http', metricsPath: '/metrics' },
    ];
  }
  const nodeJob = { ...common, scheme: 'https' as const, kubeletAuth: true, insecureSkipVerify: false, relabelConfigs: [LABELMAP_NODE_LABELS] };
  return [
    { ...nodeJob, jobName: 'kubernetes-nodes', role: 'kubelet', metricsPath: '/metrics' },
    { ...nodeJob, jobName: 'kubernetes-cadvisor', role: 'cadvisor', metricsPath: '/metrics/cadvisor' },
    { ...common, jobName: 'node-exporter', role: 'node-exporter', scheme: 'http', metricsPath: '/metrics', relabelConfigs: [LABELMAP_NODE_LABELS] },
    // kube-state-metrics through the example's `kubernetes-pods` job: no honor_labels, so its series' node,
    // namespace and pod become exported_node, exported_namespace, exported_pod.
    { ...common, jobName: 'kubernetes-pods', role: 'kube-state-metrics', scheme: 'http', metricsPath: '/metrics', relabelConfigs: PODS_RELABELING },
    { ...common, jobName: 'prometheus', role: 'prometheus', scheme: 'http', metricsPath: '/metrics' },
  ];
}

/** The address each node-exporter target points at: the kubelet's port where the wrong-port fault is planted. */
export function nodeExporterAddress(ip: string, onKubeletPort: boolean, ports: NodePorts): string {
  return `${ip}:${onKubeletPort ? ports.kubelet : ports.nodeExporter}`;
}

interface TargetInput {
  node: LabNode;
  ip: string;
  nodeExporterOnKubeletPort: boolean;
  /** A leftover static job scrapes its exporter too (the scraped-twice fault). */
  scrapedTwice?: boolean;
  /** A second stack's job scrapes its cAdvisor through the API server's proxy too (the cadvisor-other-stack fault). */
  cadvisorOtherStack?: boolean;
}

/**
 * A job left behind by an earlier monitoring stack, with a static target per node it still lists: in every
 * profile, it scrapes the exporter of a node that plants `scraped-twice` a second time.
 */
export const LEGACY_EXPORTER_JOB = 'node-exporter-legacy';

/**
 * A second monitoring stack's cAdvisor job, scraping through the API server's node proxy as the prometheus
 * chart does, with `instance` set to the node's name: in every profile, for a node that plants
 * `cadvisor-other-stack`. Where the profile itself scrapes that way (prometheus-chart), both jobs scrape one URL.
 */
export const OTHER_STACK_CADVISOR_JOB = 'kubernetes-cadvisor-other-stack';

function legacyTargets(profile: Profile, addresses: LabAddresses, nodes: readonly TargetInput[]): ScrapeTarget[] {
  const ports = nodePorts(profile);
  const apiserver = `${addresses.apiserver}:${APISERVER_PORT}`;
  const exporters = discoverable(nodes)
    .filter((input) => input.scrapedTwice)
    .map(({ node, ip }) => {
      const address = nodeExporterAddress(ip, false, ports);
      const labels = { job: LEGACY_EXPORTER_JOB, instance: address };
      return { role: 'node-exporter' as const, node: node.name, jobName: LEGACY_EXPORTER_JOB, address, sdLabels: labels, labels };
    });
  const cadvisors = discoverable(nodes)
    .filter((input) => input.cadvisorOtherStack)
    .map(({ node }) => {
      const labels = { job: OTHER_STACK_CADVISOR_JOB, instance: node.name };
      return { role: 'cadvisor' as const, node: node.name, jobName: OTHER_STACK_CADVISOR_JOB, address: apiserver, sdLabels: { ...labels, __metrics_path__: `/api/v1/nodes/${node.name}/proxy/metrics/cadvisor` }, labels };
    });
  return [...exporters, ...cadvisors];
}

/** A pod's name as its ReplicaSet or DaemonSet would give it, stable per lab. */
const podName = (owner: string, seed: string) => `${owner}-${seed.replace(/[^a-z0-9]/g, '').slice(-5).padStart(5, 'x')}`;

/** The operator's labels for a pod endpoint of a Service in `monitoring`. */
function podEndpointLabels(job: string, service: string, endpoint: string, pod: string, container: string, address: string): Record<string, string> {
  return { job, instance: address, namespace: 'monitoring', service, endpoint, pod, container };
}

/** A service endpoint as the `endpoints` role discovers it, with the service's annotations and labels. */
function serviceEndpoint(service: string, app: string, node: string): Record<string, string> {
  return {
    __meta_kubernetes_namespace: 'monitoring',
    __meta_kubernetes_service_name: service,
    __meta_kubernetes_service_annotation_prometheus_io_scrape: 'true',
    __meta_kubernetes_service_label_app_kubernetes_io_name: app,
    __meta_kubernetes_service_label_app_kubernetes_io_instance: 'prometheus',
    __meta_kubernetes_pod_node_name: node,
  };
}

function prometheusChartTargets(addresses: LabAddresses, nodes: readonly TargetInput[]): ScrapeTarget[] {
  nodes = discoverable(nodes);
  const ports = nodePorts('prometheus-chart');
  const apiserver = `${addresses.apiserver}:${APISERVER_PORT}`;
  const jobs = profileJobs('prometheus-chart', apiserver);
  const targets: ScrapeTarget[] = [];
  for (const job of jobs) {
    if (job.role === 'apiserver') {
      const sdLabels = { __meta_kubernetes_namespace: 'default', __meta_kubernetes_service_name: 'kubernetes', __meta_kubernetes_endpoint_port_name: 'https' };
      targets.push({ role: 'apiserver', node: null, jobName: job.jobName, address: apiserver, sdLabels, labels: { job: job.jobName, instance: apiserver } });
    } else if (job.role === 'prometheus') {
      const address = `${addresses.prometheus}:${PROMETHEUS_PORT}`;
      targets.push({ role: 'prometheus', node: null, jobName: job.jobName, address, sdLabels: {}, labels: { job: job.jobName, instance: address } });
    } else if (job.role === 'kubelet' || job.role === 'cadvisor') {
      for (const { node, ip } of nodes) {
        // Node discovery sets `instance` to the node's name; the address it gives is the kubelet's, replaced.
        const sdLabels = { ...META_NODE_LABELS(node.name), instance: node.name };
        targets.push({ role: job.role, node: node.name, jobName: job.jobName, address: apiserver, discovered: `${ip}:${ports.kubelet}`, sdLabels, labels: { job: job.jobName, instance: node.name, ...applyLabelmap(sdLabels) } });
      }
    } else {
      // The first node runs kube-state-metrics: its series without a node label get that node's.
      const ksmNode = nodes[0]?.node.name ?? '';
      const ksmAddress = `${addresses.kubeStateMetrics}:${KSM_PORT}`;
      const ksm = serviceEndpoint('prometheus-kube-state-metrics', 'kube-state-metrics', ksmNode);
      targets.push({ role: 'kube-state-metrics', node: null, jobName: job.jobName, address: ksmAddress, sdLabels: ksm, labels: { job: job.jobName, instance: ksmAddress, ...withoutMeta(relabelled(ksm, SERVICE_ENDPOINTS_RELABELING)) } });
      for (const { node, ip, nodeExporterOnKubeletPort } of nodes.filter(runsNodeExporter)) {
        const address = nodeExporterAddress(ip, nodeExporterOnKubeletPort, ports);
        const sdLabels = serviceEndpoint('prometheus-prometheus-node-exporter', 'prometheus-node-exporter', node.name);
        targets.push({ role: 'node-exporter', node: node.name, jobName: job.jobName, address, sdLabels, labels: { job: job.jobName, instance: address, ...withoutMeta(relabelled(sdLabels, SERVICE_ENDPOINTS_RELABELING)) } });
      }
    }
  }
  return targets;
}

/** The labels a job's relabel_configs leave on a discovered target (what the live Prometheus attaches). */
function relabelled(sd: Record<string, string>, rules: RelabelConfig[]): Record<string, string> {
  const result = relabel(sd, compileRules(rules));
  return result.outcome === 'kept' ? result.labels : {};
}

const withoutMeta = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith('__')));

/** node_exporter's DaemonSet selects Linux nodes (kubernetes.io/os: linux): a Windows node has no exporter pod. */
export const runsNodeExporter = ({ node }: { node: LabNode }) => node.spec.os === 'linux';

/** Nodes discovery gives a target: an uninitialized node has no address and no node-exporter pod. */
const discoverable = (nodes: readonly TargetInput[]) => nodes.filter(({ node }) => !faultOf(node.spec, 'node-uninitialized'));

export function scrapeTargets(profile: Profile, addresses: LabAddresses, all: readonly TargetInput[]): ScrapeTarget[] {
  return [...profileTargets(profile, addresses, all), ...legacyTargets(profile, addresses, all)];
}

function profileTargets(profile: Profile, addresses: LabAddresses, all: readonly TargetInput[]): ScrapeTarget[] {
  if (profile === 'prometheus-chart') return prometheusChartTargets(addresses, all);
  const nodes = discoverable(all);
  const ports = nodePorts(profile);
  const targets: ScrapeTarget[] = [];
  for (const job of profileJobs(profile)) {
    if (job.role === 'kube-state-metrics' || job.role === 'prometheus') {
      const address = job.role === 'prometheus' ? `${addresses.prometheus}:${PROMETHEUS_PORT}` : `${addresses.kubeStateMetrics}:${KSM_PORT}`;
      let labels: Record<string, string> = { job: job.jobName, instance: address };
      let sdLabels = labels;
      if (profile === 'kubernetes-sd' && job.role === 'kube-state-metrics') {
        // The first node runs kube-state-metrics.
        sdLabels = {
          __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
          __meta_kubernetes_pod_label_app_kubernetes_io_name: 'kube-state-metrics',
          __meta_kubernetes_namespace: 'kube-system',
          __meta_kubernetes_pod_name: podName('kube-state-metrics-6d8f9b7c5', address),
          __meta_kubernetes_pod_node_name: nodes[0]?.node.name ?? '',
        };
        labels = { ...labels, ...withoutMeta(relabelled(sdLabels, PODS_RELABELING)) };
      }
      if (profile === 'kube-prometheus') {
        labels =
          job.role === 'prometheus'
            ? podEndpointLabels(`${RELEASE}-prometheus`, `${RELEASE}-prometheus`, 'http-web', `prometheus-${RELEASE}-prometheus-0`, 'prometheus', address)
            : podEndpointLabels('kube-state-metrics', `${RELEASE}-kube-state-metrics`, 'http', podName(`${RELEASE}-kube-state-metrics-7d9f8c5b6`, address), 'kube-state-metrics', address);
      }
      if (profile === 'kube-prometheus') sdLabels = labels;
      targets.push({ role: job.role, node: null, jobName: job.jobName, address, sdLabels, labels });
      continue;
    }
    for (const { node, ip, nodeExporterOnKubeletPort } of job.role === 'node-exporter' ? nodes.filter(runsNodeExporter) : nodes) {
      const address = job.role === 'node-exporter' ? nodeExporterAddress(ip, nodeExporterOnKubeletPort, ports) : `${ip}:${ports.kubelet}`;
      if (profile === 'kube-prometheus') {
        if (job.role === 'node-exporter') {
          const labels = podEndpointLabels('node-exporter', `${RELEASE}-prometheus-node-exporter`, 'http-metrics', podName(`${RELEASE}-prometheus-node-exporter`, node.name), 'node-exporter', address);
          targets.push({ role: job.role, node: node.name, jobName: job.jobName, address, sdLabels: labels, labels });
        } else {
          const sdLabels = { job: 'kubelet', instance: address, node: node.name, namespace: 'kube-system', service: `${RELEASE}-kubelet`, endpoint: 'https-metrics' };
          targets.push({ role: job.role, node: node.name, jobName: job.jobName, address, sdLabels, labels: { ...sdLabels, metrics_path: job.metricsPath } });
        }
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
