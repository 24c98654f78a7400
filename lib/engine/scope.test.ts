import { describe, expect, it } from 'vitest';
import { FAMILIES } from '@/lib/families/registry';
import type { QueryPart } from '@/lib/families/types';
import { ksmSelector } from '@/lib/prometheus/ksm';
import type { RoleHealth } from '@/lib/topology/fleet';
import { MAX_NARROWED_PODS, narrowedToPods, podsMatchers, promqlOf, queriesOf, type PartScope } from './scope';

type Target = RoleHealth['targets'][number];
const target = (labels: Record<string, string>): Target => ({ job: labels.job!, instance: labels.instance!, labels, health: 'up', lastError: '' });
// kube-prometheus-stack: /metrics and /metrics/cadvisor are one job on one instance, told apart by metrics_path.
const KUBELET = target({ job: 'kubelet', instance: '10.0.0.1:10250', metrics_path: '/metrics', node: 'a' });
const CADVISOR = target({ job: 'kubelet', instance: '10.0.0.1:10250', metrics_path: '/metrics/cadvisor', node: 'a' });
const EXPORTER = target({ job: 'node-exporter', instance: 'a' });

const node = (targets: Partial<Record<'kubelet' | 'cadvisor' | 'node-exporter', Target[]>>): Extract<PartScope, { kind: 'node' }> => ({ kind: 'node', node: 'a', targets: { kubelet: [], cadvisor: [], 'node-exporter': [], ...targets } });
const part = (of: QueryPart['of'], promql: QueryPart['promql']): QueryPart => ({ of, promql });

describe('promqlOf', () => {
  it("selects a role's series by its targets' identity, metrics_path included, never by a pattern on instance", () => {
    const query = promqlOf(part('cadvisor', (scope) => scope.select('container_cpu_usage_seconds_total', 'image=""')), node({ cadvisor: [CADVISOR] }));
    expect(query).toBe('container_cpu_usage_seconds_total{job="kubelet",instance="10.0.0.1:10250",metrics_path="/metrics/cadvisor",image=""}');
    expect(query).not.toContain('instance=~');
  });

  it('joins several targets of a role with or, in parentheses', () => {
    const query = promqlOf(part('kubelet', (scope) => `${scope.select('process_start_time_seconds')} > 0`), node({ kubelet: [KUBELET, target({ job: 'kubernetes-nodes', instance: '10.0.0.1:10250' })] }));
    expect(query).toBe('(process_start_time_seconds{job="kubelet",instance="10.0.0.1:10250",metrics_path="/metrics"} or process_start_time_seconds{job="kubernetes-nodes",instance="10.0.0.1:10250"}) > 0');
  });

  it('scopes kube-state-metrics series by the node label, and nothing for the fleet; through exported_* only where they exist', () => {
    const pods = part('node', (scope) => scope.ksm('kube_pod_info'));
    expect(promqlOf(pods, node({}))).toBe('kube_pod_info{node="a"}');
    expect(promqlOf(pods, { kind: 'fleet' })).toBe('kube_pod_info');
    expect(promqlOf(pods, { ...node({}), ksmExported: true })).toBe(ksmSelector('kube_pod_info', [], 'a'));
    expect(promqlOf(pods, { ...node({}), ksmExported: true })).toContain('(kube_pod_info{node="a",exported_node=""} or kube_pod_info{exported_node="a"})');
    expect(promqlOf(pods, { kind: 'fleet', ksmExported: true })).toBe(ksmSelector('kube_pod_info'));
    const phases = part('cluster', (scope) => scope.restore('kube_pod_status_phase == 1'));
    expect(promqlOf(phases, { kind: 'fleet' })).toBe('kube_pod_status_phase == 1');
    expect(promqlOf(phases, { kind: 'fleet', ksmExported: true })).toMatch(/^label_replace\(.*kube_pod_status_phase == 1, "node", "\$1", "exported_node", "\(\.\+\)"\)/);
    expect(promqlOf(part('node-exporter', (scope) => scope.select('node_filesystem_size_bytes', 'mountpoint="/"')), { kind: 'fleet' })).toBe('node_filesystem_size_bytes{mountpoint="/"}');
  });

  it('leaves out the parts of a role the node has no target for, and names the role', () => {
    expect(promqlOf(part('node-exporter', (scope) => scope.select('up')), node({ kubelet: [KUBELET] }))).toBeNull();
    const planned = queriesOf({ a: part('node-exporter', (scope) => scope.select('x')), b: part('kubelet', (scope) => scope.select('y')) }, node({ kubelet: [KUBELET] }));
    expect(planned).toEqual({ queries: { b: 'y{job="kubelet",instance="10.0.0.1:10250",metrics_path="/metrics"}' }, skippedRoles: ['node-exporter'] });
  });

  it("writes every family's parts as PromQL that names the node's targets, for a node and for the fleet", () => {
    for (const family of FAMILIES) {
      const nodeQueries = queriesOf(family.parts, node({ kubelet: [KUBELET], cadvisor: [CADVISOR], 'node-exporter': [EXPORTER] }));
      expect(nodeQueries.skippedRoles).toEqual([]);
      for (const [key, query] of Object.entries(nodeQueries.queries)) {
        const of = family.parts[key]!.of;
        if (of === 'kubelet') expect(query, `${family.id}.${key}`).toContain('metrics_path="/metrics"');
        if (of === 'cadvisor') expect(query, `${family.id}.${key}`).toContain('metrics_path="/metrics/cadvisor"');
        if (of === 'node-exporter') expect(query, `${family.id}.${key}`).toContain('job="node-exporter",instance="a"');
        if (of === 'node') expect(query, `${family.id}.${key}`).toContain('node="a"');
      }
      const fleet = queriesOf(family.parts, { kind: 'fleet' }).queries;
      for (const query of Object.values(fleet)) expect(query).not.toMatch(/instance=|node="a"/);
    }
  });
});

describe('narrowing to the node\'s pods', () => {
  const containers = part('node', (scope) => `${scope.kube('kube_pod_container_info', 'container_id!=""')} * on (namespace, pod) group_left (node) ${scope.ksm('kube_pod_info')} unless on (namespace, pod) container_cpu_usage_seconds_total`);
  const pods = [
    { namespace: 'shop', pod: 'orders-db-0' },
    { namespace: 'kube-system', pod: 'kube-proxy-x.y' },
    { namespace: 'shop', pod: 'web-1' },
  ];

  it("adds the node's namespaces and pods to every kube_pod_* selector, and to nothing else", () => {
    const query = promqlOf(containers, { ...node({}), pods });
    const narrowed = 'namespace=~"shop|kube-system",pod=~"orders-db-0|kube-proxy-x\\\\.y|web-1"';
    expect(query).toBe(`kube_pod_container_info{${narrowed},container_id!=""} * on (namespace, pod) group_left (node) kube_pod_info{${narrowed},node="a"} unless on (namespace, pod) container_cpu_usage_seconds_total`);
  });

  it('keeps a node without pods to none, and leaves the query alone where it cannot narrow', () => {
    expect(promqlOf(containers, { ...node({}), pods: [] })).toContain('kube_pod_container_info{pod="",container_id!=""}');
    const plain = promqlOf(containers, node({}));
    expect(plain).not.toContain('pod=~');
    // Too many pods to list, kube-state-metrics' labels moved to exported_*, the fleet: as asked.
    const many = Array.from({ length: MAX_NARROWED_PODS + 1 }, (_, index) => ({ namespace: 'n', pod: `p${index}` }));
    expect(promqlOf(containers, { ...node({}), pods: many })).toBe(plain);
    expect(promqlOf(containers, { ...node({}), pods, ksmExported: true })).not.toContain('pod=~');
    expect(narrowedToPods('kube_pod_info', { kind: 'fleet' })).toBe('kube_pod_info');
    expect(podsMatchers(undefined)).toBeNull();
  });
});
