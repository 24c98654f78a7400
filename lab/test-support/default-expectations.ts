/**
 * What gapscope must say about each node of the default scenario, shared by the lab tests that run it
 * (each scrape profile, and the central topology).
 */

/** What the fleet page must say about the default scenario, whatever the scrape convention. */
export const EXPECTED_HEALTH = {
  'lab-cadvisor': { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'up' },
  'lab-deverror': { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'up' },
  'lab-healthy': { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'up' },
  'lab-rootsized': { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'up' },
  'lab-unauthorized': { kubelet: 'down', cadvisor: 'down', 'node-exporter': 'up' },
  'lab-volumes': { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'up' },
  'lab-wrongport': { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'down' },
};

/**
 * What the diagnosis must say about each node of the default scenario, from Prometheus alone: [kind, cause,
 * subject]. In the kube-prometheus profile the chart drops lab-cadvisor's unlabelled series before storage,
 * so the stored layer shows running containers without series and the rule that drops them; the kubelet's
 * own /metrics/cadvisor then shows the empty labels and their cause (below).
 */
export const STORED_CADVISOR: Record<string, [string, string, string]> = {
  'kube-prometheus': ['cadvisor-container-series-missing', 'dropped-before-storage', 'container cgroups'],
  'kubernetes-sd': ['cadvisor-labels-empty', 'runtime-started-after-kubelet', 'container cgroups'],
  'prometheus-chart': ['cadvisor-labels-empty', 'runtime-started-after-kubelet', 'container cgroups'],
};

export const PV_MOUNTS_EXCLUDED: [string, string, string] = ['fs-pv-mounts-excluded', 'mount-points-exclude', 'PV mounts'];
/**
 * kube-prometheus-stack runs node_exporter with extraArgs that exclude every mount under /var/lib/kubelet:
 * it reports no PV mount, so a node with mounted PVs gets fs-pv-mounts-excluded (by design), and
 * lab-rootsized's root-sized mounts show only in the kubelet's volume stats (pvc-stats-wrong), as they would
 * in a cluster on the chart's defaults.
 */
const CHART_NODE_EXPORTER: Record<string, [string, string, string | RegExp][]> = {
  'lab-healthy': [PV_MOUNTS_EXCLUDED],
  'lab-volumes': [
    ['pvc-stats-missing', 'csi-without-volume-stats', 'ml/scratch'],
    PV_MOUNTS_EXCLUDED,
    ['pvc-stats-missing', 'pvc-not-mounted', 'backup/nightly-scratch'],
    ['pvc-stats-missing', 'plugin-without-metrics', 'tools/hostpath-cache'],
  ],
  'lab-rootsized': [
    ['pvc-stats-wrong', 'root-filesystem-measured', 'analytics/warehouse'],
    ['pvc-stats-wrong', 'root-filesystem-measured', 'analytics/warehouse-wal'],
    PV_MOUNTS_EXCLUDED,
  ],
  'lab-unauthorized': [
    ['pvc-stats-missing', 'kubelet-not-scraped', 'shop/orders-db'],
    ['target-down', 'unauthorized', 'cAdvisor /metrics/cadvisor'],
    ['target-down', 'unauthorized', 'kubelet /metrics'],
    PV_MOUNTS_EXCLUDED,
  ],
};
export const expectedFindings = (profile: string, name: string) => {
  if (name === 'lab-cadvisor') return [STORED_CADVISOR[profile]!];
  return profile === 'kube-prometheus' ? (CHART_NODE_EXPORTER[name] ?? EXPECTED_FINDINGS[name]!) : EXPECTED_FINDINGS[name]!;
};
export const EXPECTED_FINDINGS: Record<string, [string, string, string | RegExp][]> = {
  'lab-healthy': [],
  'lab-volumes': [
    ['pvc-stats-missing', 'csi-without-volume-stats', 'ml/scratch'],
    ['pvc-stats-missing', 'pvc-not-mounted', 'backup/nightly-scratch'],
    ['pvc-stats-missing', 'plugin-without-metrics', 'tools/hostpath-cache'],
  ],
  'lab-cadvisor': [['cadvisor-labels-empty', 'runtime-started-after-kubelet', 'container cgroups']],
  'lab-rootsized': [
    ['fs-root-sized', 'mount-propagation', /^analytics\/warehouse \(pvc-[0-9a-f-]{36}\)$/],
    ['fs-root-sized', 'mount-propagation', /^analytics\/warehouse-wal \(pvc-[0-9a-f-]{36}\)$/],
    ['pvc-stats-wrong', 'root-filesystem-measured', 'analytics/warehouse'],
    ['pvc-stats-wrong', 'root-filesystem-measured', 'analytics/warehouse-wal'],
  ],
  'lab-deverror': [['fs-device-error', 'permission-denied', '/root/data']],
  'lab-unauthorized': [
    ['pvc-stats-missing', 'kubelet-not-scraped', 'shop/orders-db'],
    ['target-down', 'unauthorized', 'cAdvisor /metrics/cadvisor'],
    ['target-down', 'unauthorized', 'kubelet /metrics'],
  ],
  'lab-wrongport': [['target-down', 'wrong-port', 'node-exporter']],
};

