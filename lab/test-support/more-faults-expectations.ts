import type { Profile } from '../src/targets';

/** The faults of lab/scenarios/more-faults.yaml, each planted for real, each diagnosed exactly. */
export const EXPECTED: Record<string, [string, string, string][]> = {
  'lab-excluded': [['fs-pv-mounts-excluded', 'mount-points-exclude', 'PV mounts']],
  'lab-statsoff': [['pvc-stats-missing', 'volume-stats-disabled', 'data/stats-off']],
  'lab-regression': [['pvc-stats-missing', 'kubelet-regression', 'data/regressed']],
  'lab-twice': [['target-duplicated', 'scraped-twice', 'node-exporter scraped twice']],
  'lab-thermal': [['collector-failed', 'collector-error', 'collector thermal_zone']],
  'lab-textfile': [['collector-failed', 'textfile-error', 'collector textfile']],
  'lab-big': [['target-down', 'sample-limit', 'cAdvisor /metrics/cadvisor']],
  'lab-digest': [['target-down', 'label-limit', 'cAdvisor /metrics/cadvisor']],
  'lab-packages': [['target-down', 'body-size-limit', 'node-exporter']],
  'lab-scrapeerror': [['cadvisor-scrape-error', 'container-scrape-error', 'container cgroups']],
  'lab-crio': [['cadvisor-network-missing', 'no-infra-container', 'pod network series']],
  'lab-netless': [['cadvisor-network-missing', 'unknown', 'pod network series']],
  // Traps: no warning or critical finding.
  'lab-crio-host': [],
  'lab-restarted': [],
  // Two stacks: the second scrapes through the API server's proxy, so the targets' URLs differ (in
  // prometheus-chart they are the same URL: target-duplicated, below).
  'lab-twostacks': [['cadvisor-series-duplicated', 'scraped-twice', 'container series']],
  // By design only: no warning or critical finding.
  'lab-windows': [
    ['cadvisor-container-series-missing', 'windows-node', 'container cgroups'],
    ['target-missing', 'windows-node', 'node-exporter'],
  ],
  'lab-forbidden': [
    ['target-down', 'forbidden', 'cAdvisor /metrics/cadvisor'],
    ['target-down', 'forbidden', 'kubelet /metrics'],
  ],
  // One container and its sandbox.
  'lab-cadvisor': [['cadvisor-labels-empty', 'runtime-socket-unreachable', 'container cgroups']],
  'lab-dockerdev': [['cadvisor-labels-empty', 'runtime-factory-failed', 'container cgroups']],
  // cri-dockerd: cAdvisor has no Docker factory (empty labels), and the pods' network comes from CRI stats.
  'lab-cridockerd': [
    ['cadvisor-labels-empty', 'runtime-factory-failed', 'container cgroups'],
    ['cadvisor-network-missing', 'cri-stats-provider', 'pod network series'],
  ],
  // No InternalIP, so no kubelet endpoints and no node discovery address; its node-exporter pod is not scheduled.
  'lab-uninitialized': [
    ['target-missing', 'node-address-unknown', 'cAdvisor /metrics/cadvisor'],
    ['target-missing', 'node-address-unknown', 'kubelet /metrics'],
    ['target-missing', 'no-target', 'node-exporter'],
  ],
};

/**
 * kube-prometheus-stack's node_exporter extraArgs exclude every PV mount: where a claim is mounted, the node
 * also gets fs-pv-mounts-excluded (by design), after its warning, as on any cluster with the chart's defaults.
 */
/** The prometheus chart scrapes cAdvisor through the API server's proxy too: both stacks' targets share one URL. */
const VIA_PROXY: Record<string, [string, string, string][]> = {
  'lab-twostacks': [['target-duplicated', 'scraped-twice', 'cAdvisor /metrics/cadvisor scraped twice']],
};
const CHART_NODE_EXPORTER: Record<string, [string, string, string][]> = {
  'lab-statsoff': [EXPECTED['lab-statsoff']![0]!, EXPECTED['lab-excluded']![0]!],
  'lab-regression': [EXPECTED['lab-regression']![0]!, EXPECTED['lab-excluded']![0]!],
};
/** What gapscope must say about a node of the more-faults scenario in a scrape profile, from Prometheus and the kubelet: [kind, cause, subject]. */
export function moreFaultsExpected(profile: Profile, name: string): [string, string, string][] {
  if (profile === 'kube-prometheus') return CHART_NODE_EXPORTER[name] ?? EXPECTED[name]!;
  if (profile === 'prometheus-chart') return VIA_PROXY[name] ?? EXPECTED[name]!;
  return EXPECTED[name]!;
}
