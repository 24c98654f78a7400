import { describe, expect, it } from 'vitest';
import type { Finding } from '@/lib/contract/finding';
import { linkFindings } from './link-findings';
import { parsePromql } from './promql-tree';

const finding = (family: Finding['family'], kind: Finding['kind'], subject: string, node = 'node-a'): Finding => ({
  kind,
  cause: 'some-cause',
  family,
  node,
  subject,
  severity: 'warning',
  layer: 'source',
  expectedByDesign: false,
  summary: '',
  explanation: '',
  evidence: [],
  remediation: { text: '' },
  references: [],
});

const FINDINGS = [
  finding('volume-stats', 'pvc-stats-missing', 'shop/data'),
  finding('cadvisor-labels', 'cadvisor-labels-empty', 'container cgroups'),
  finding('cadvisor-network', 'cadvisor-network-missing', 'pod network'),
  finding('device-error', 'fs-device-error', '/root/data'),
  finding('collector', 'collector-failed', 'collector thermal_zone'),
  finding('scrape', 'target-down', 'node-exporter'),
  finding('scrape', 'target-down', 'kubelet /metrics'),
  finding('root-sized-filesystem', 'pvc-stats-wrong', 'shop/data (pv-1)'),
];
const CLUSTER = [finding('inventory-labels', 'inventory-labels-missing', 'kube-state-metrics labels', '')];

const linked = (query: string) => linkFindings(parsePromql(query).selectors[0]!, FINDINGS, CLUSTER).map((link) => `${link.kind}:${link.subject}`);

describe('which finding explains an empty selector: each family says', () => {
  it.each([
    ['kubelet_volume_stats_used_bytes{namespace="shop", persistentvolumeclaim="data"}', ['pvc-stats-missing:shop/data', 'target-down:kubelet /metrics']],
    ['kubelet_volume_stats_used_bytes{namespace="shop", persistentvolumeclaim="other"}', ['target-down:kubelet /metrics']],
    ['container_cpu_usage_seconds_total{container!=""}', ['cadvisor-labels-empty:container cgroups']],
    ['container_network_receive_bytes_total{pod="x"}', ['cadvisor-labels-empty:container cgroups', 'cadvisor-network-missing:pod network']],
    ['node_filesystem_avail_bytes{mountpoint="/root/data"}', ['fs-device-error:/root/data', 'target-down:node-exporter']],
    ['node_filesystem_avail_bytes{mountpoint="/"}', ['target-down:node-exporter']],
    ['node_thermal_zone_temp', ['collector-failed:collector thermal_zone', 'target-down:node-exporter']],
    ['kube_pod_labels{label_team="x"}', ['inventory-labels-missing:kube-state-metrics labels']],
    ['kube_pod_labels{pod="x"}', []],
    ['up{job="x"}', []],
  ])('%s', (query, expected) => {
    expect(linked(query)).toEqual(expected);
  });

  it('a wrong value explains no absence', () => {
    expect(linked('kubelet_volume_stats_capacity_bytes{namespace="shop", persistentvolumeclaim="data"}')).not.toContain('pvc-stats-wrong:shop/data (pv-1)');
  });
});
