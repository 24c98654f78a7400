import { describe, expect, it } from 'vitest';
import { assembleFleet, nodeRowsFromInfo, targetKey, type FleetTarget } from './fleet';

const info = (node: string, ip: string) => ({ labels: { node, internal_ip: ip, kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27' } });
const target = (labels: Record<string, string>, health: FleetTarget['health'] = 'up', lastError = ''): FleetTarget => ({ labels, health, lastError });

describe('nodeRowsFromInfo', () => {
  it('keeps one row per node, sorted naturally, even with two kube-state-metrics replicas', () => {
    const rows = nodeRowsFromInfo([info('node-10', '10.0.0.10'), info('node-2', '10.0.0.2'), info('node-2', '10.0.0.2')]);
    expect(rows.map((row) => row.name)).toEqual(['node-2', 'node-10']);
  });
});

describe('assembleFleet', () => {
  const rows = nodeRowsFromInfo([info('a', '10.0.0.1'), info('b', '10.0.0.2')]);

  it('marks each role up, down (with the last error), or missing', () => {
    const { nodes } = assembleFleet(rows, [
      target({ job: 'kubelet', node: 'a', metrics_path: '/metrics', instance: '10.0.0.1:10250' }),
      target({ job: 'kubelet', node: 'a', metrics_path: '/metrics/cadvisor', instance: '10.0.0.1:10250' }, 'down', 'server returned HTTP status 401 Unauthorized'),
      target({ job: 'node-exporter', instance: '10.0.0.2:9100' }, 'unknown'),
    ]);
    const [a, b] = nodes;
    expect(a!.roles.kubelet.health).toBe('up');
    expect(a!.roles.cadvisor).toMatchObject({ health: 'down', targets: [{ lastError: 'server returned HTTP status 401 Unauthorized' }] });
    expect(a!.roles['node-exporter'].health).toBe('missing');
    expect(b!.roles['node-exporter'].health).toBe('unknown');
    expect(b!.roles.kubelet.health).toBe('missing');
  });

  it('lets one down target make the role down when a node is scraped twice', () => {
    const { nodes } = assembleFleet(rows, [
      target({ job: 'node-exporter', instance: 'a' }),
      target({ job: 'node-exporter-legacy', instance: '10.0.0.1:9100' }, 'down', 'connection refused'),
    ]);
    expect(nodes[0]!.roles['node-exporter'].health).toBe('down');
    expect(nodes[0]!.roles['node-exporter'].targets).toHaveLength(2);
  });

  it('counts node targets that match no node instead of dropping them silently', () => {
    const { unmatchedTargets } = assembleFleet(rows, [target({ job: 'node-exporter', instance: '10.9.9.9:9100' }), target({ job: 'kube-state-metrics', instance: 'x' })]);
    expect(unmatchedTargets).toBe(1);
  });
});

describe('topology hints', () => {
  const rows = nodeRowsFromInfo([info('a', '10.0.0.1'), info('b', '10.0.0.2')]);

  it('gives a job the role GAPSCOPE_JOB_ROLES names, over its name', () => {
    const targets = [target({ job: 'host-metrics', instance: '10.0.0.1:9100' }), target({ job: 'kubelet', instance: '10.0.0.2:10250', metrics_path: '/metrics' })];
    expect(assembleFleet(rows, targets).nodes[0]!.roles['node-exporter'].health).toBe('missing');
    const { nodes } = assembleFleet(rows, targets, { jobRoles: { 'host-metrics': 'node-exporter', kubelet: 'cadvisor' } });
    expect(nodes[0]!.roles['node-exporter'].health).toBe('up');
    expect(nodes[1]!.roles.cadvisor.health).toBe('up');
    expect(nodes[1]!.roles.kubelet.health).toBe('missing');
  });

  it("ties a target nothing else names to the node its node_uname_info's nodename gives", () => {
    const exporter = target({ job: 'node-exporter', instance: '192.168.7.7:9100' });
    expect(assembleFleet(rows, [exporter]).unmatchedTargets).toBe(1);
    const { nodes, unmatchedTargets } = assembleFleet(rows, [exporter], { unameNodenames: new Map([[targetKey(exporter.labels), 'b']]) });
    expect(unmatchedTargets).toBe(0);
    expect(nodes[1]!.roles['node-exporter'].health).toBe('up');
    // A nodename that is no node (a --hostname-override elsewhere) ties nothing.
    expect(assembleFleet(rows, [exporter], { unameNodenames: new Map([[targetKey(exporter.labels), 'ip-192-168-7-7']]) }).unmatchedTargets).toBe(1);
  });
});
