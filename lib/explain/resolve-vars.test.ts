import { describe, expect, it } from 'vitest';
import { builtInVariables } from './grafana-vars';
import { resolveDashboardVariables, resolveQueryVariables, roleOfMetric, type NodeAliases } from './resolve-vars';

const NODE: NodeAliases = {
  name: 'node-a',
  internalIp: '10.0.0.1',
  targets: [
    { role: 'kubelet', instance: '10.0.0.1:10250', job: 'kubelet' },
    { role: 'cadvisor', instance: '10.0.0.1:10250', job: 'kubelet' },
    { role: 'node-exporter', instance: 'node-a', job: 'node-exporter' },
  ],
  claims: ['shop/data'],
};
const builtIns = builtInVariables({ startMs: 0, endMs: 3_600_000 });

describe('a single query', () => {
  it("fills node names, the node's instance and job for the metric's role, and an empty cluster", () => {
    const values = resolveQueryVariables(['node', 'instance', 'job', 'cluster', 'pod'], 'node_load1', { requested: {}, node: NODE, builtIns });
    expect(values.node!.value).toBe('node-a');
    expect(values.instance!.value).toBe('node-a');
    expect(values.job!.value).toBe('node-exporter');
    expect(values.cluster!.value).toBe('');
    expect(values.pod).toBeUndefined();
    expect(resolveQueryVariables(['instance'], 'kubelet_running_pods', { requested: {}, node: NODE, builtIns }).instance!.value).toBe('10.0.0.1:10250');
  });

  it('takes what the request gives over anything else', () => {
    const values = resolveQueryVariables(['instance', 'pod'], 'node_load1', { requested: { instance: 'x:1', pod: 'p' }, node: NODE, builtIns });
    expect([values.instance, values.pod]).toEqual([{ value: 'x:1', source: 'request' }, { value: 'p', source: 'request' }]);
  });

  it.each([
    ['node_cpu_seconds_total', 'node-exporter'],
    ['container_memory_rss', 'cadvisor'],
    ['machine_cpu_cores', 'cadvisor'],
    ['kubelet_running_pods', 'kubelet'],
  ])('%s is read from the %s target', (metric, role) => {
    expect(roleOfMetric(metric)).toBe(role);
  });
});

describe("a dashboard's variables", () => {
  it('asks each query variable in order, and picks the node among the answers', async () => {
    const asked: string[] = [];
    const values = await resolveDashboardVariables(
      [
        { name: 'datasource', type: 'datasource' },
        { name: 'cluster', type: 'query', query: 'label_values(up{job="kubelet"}, cluster)' },
        { name: 'instance', type: 'query', query: 'label_values(up{job="kubelet", cluster="$cluster"}, instance)' },
        { name: 'namespace', type: 'query', query: 'label_values(kubelet_volume_stats_capacity_bytes{cluster="$cluster"}, namespace)' },
        { name: 'volume', type: 'query', query: 'label_values(kubelet_volume_stats_capacity_bytes{namespace="$namespace"}, persistentvolumeclaim)' },
        { name: 'resolution', type: 'custom', saved: '30s' },
      ],
      { requested: {}, node: NODE, builtIns },
      async (selector, label) => {
        asked.push(`${selector} ${label}`);
        return label === 'instance' ? ['10.0.0.9:10250', '10.0.0.1:10250'] : label === 'namespace' ? ['analytics', 'shop'] : [];
      },
    );
    expect(asked).toEqual(['up{job="kubelet"} cluster', 'up{job="kubelet", cluster=""} instance', 'kubelet_volume_stats_capacity_bytes{cluster=""} namespace', 'kubelet_volume_stats_capacity_bytes{namespace="shop"} persistentvolumeclaim']);
    expect(values.cluster!.value).toBe('');
    expect(values.instance!.value).toBe('10.0.0.1:10250');
    expect(values.namespace!.value).toBe('shop');
    expect(values.volume).toMatchObject({ value: 'data', source: 'node' });
    expect(values.resolution).toMatchObject({ value: '30s', source: 'dashboard' });
    expect(values.datasource).toBeUndefined();
  });

  it("uses the node's own instance when the variable's query does not list it (its series are gone)", async () => {
    const values = await resolveDashboardVariables([{ name: 'node', type: 'query', query: 'label_values(node_uname_info{job="node-exporter"}, instance)' }], { requested: {}, node: NODE, builtIns }, async () => ['node-b', 'node-c']);
    expect(values.node).toMatchObject({ value: 'node-a', source: 'node' });
    expect(values.node!.note).toContain('does not list it');
  });

  it('takes the first value where nothing ties a variable to the node', async () => {
    const values = await resolveDashboardVariables([{ name: 'pod', type: 'query', query: 'label_values(kube_pod_info, pod)' }], { requested: {}, node: NODE, builtIns }, async () => ['web-2', 'web-1']);
    expect(values.pod).toMatchObject({ value: 'web-1', source: 'prometheus' });
  });
});
