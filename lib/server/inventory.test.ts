import { describe, expect, it } from 'vitest';
import { UpstreamError } from '@/lib/errors';
import type { PrometheusClient, TargetHealth, VectorSample } from '@/lib/prometheus/client';
import { loadFleet } from './inventory';

const sample = (labels: Record<string, string>, value = 1): VectorSample => ({ labels, value, timestampMs: 0 });
const NODE_INFO = [sample({ node: 'node-a', internal_ip: '10.0.0.5', kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27' })];
// The prometheus chart: kubelets through the API server's proxy (instance = the node), node-exporter via service endpoints.
const KUBELET = { job: 'kubernetes-nodes', instance: 'node-a', kubernetes_io_hostname: 'node-a' };
const EXPORTER = { job: 'kubernetes-service-endpoints', instance: '10.0.0.5:10250', node: 'node-a', app_kubernetes_io_name: 'prometheus-node-exporter' };
const LIVE: TargetHealth[] = [
  { pool: 'kubernetes-nodes', scrapeUrl: 'https://10.96.0.1:443/api/v1/nodes/node-a/proxy/metrics', discoveredAddress: '10.0.0.5:10250', labels: KUBELET, health: 'up', lastError: '' },
  { pool: 'kubernetes-service-endpoints', scrapeUrl: 'http://10.0.0.5:10250/metrics', labels: EXPORTER, health: 'down', lastError: 'server returned HTTP status 400 Bad Request' },
];

/** `up` at a past instant, and the live targets (or none, as Thanos). */
function prometheus(exporterUp: number, targets: () => Promise<TargetHealth[]>) {
  let targetCalls = 0;
  const stub = {
    instantQuery: async (promql: string) => (promql === 'kube_node_info' ? NODE_INFO : promql === 'up' ? [sample(KUBELET), sample(EXPORTER, exporterUp)] : []),
    targets: () => {
      targetCalls++;
      return targets();
    },
  };
  return { client: stub as unknown as PrometheusClient, targetCalls: () => targetCalls };
}

describe('loadFleet now', () => {
  it('reads health from `up` where the targets API lists nothing (VictoriaMetrics fed by remote write)', async () => {
    const victoria = prometheus(0, async () => []);
    const fleet = await loadFleet(victoria.client);
    expect(fleet.healthFrom).toBe('up-series');
    expect(fleet.nodes![0]!.roles.kubelet.health).toBe('up');
    expect(fleet.nodes![0]!.roles['node-exporter'].health).toBe('down');
    expect(fleet.sources.find((source) => source.endpoint === 'POST /api/v1/query up')?.detail).toContain('lists no target');
  });

  it('does not ask for the targets list where the store was found to list none', async () => {
    const victoria = prometheus(0, async () => []);
    const fleet = await loadFleet(victoria.client, { noTargetsApi: true });
    expect(victoria.targetCalls()).toBe(0);
    expect(fleet.healthFrom).toBe('up-series');
    expect(fleet.nodes![0]!.roles['node-exporter'].health).toBe('down');
    expect(fleet.sources.find((source) => source.endpoint === 'POST /api/v1/query up')?.detail).toContain('so the list was not asked');
  });

  it('takes the targets API where it lists targets', async () => {
    const fleet = await loadFleet(prometheus(1, async () => LIVE).client);
    expect(fleet.healthFrom).toBe('targets-api');
    expect(fleet.nodes![0]!.roles['node-exporter'].targets[0]!.lastError).toContain('400');
  });
});

describe('loadFleet at a past instant', () => {
  it("reads the addresses node discovery gives now only when a target was down then, and ties them to the instant's targets", async () => {
    const down = prometheus(0, async () => LIVE);
    const fleet = await loadFleet(down.client, { atMs: 1_700_000_000_000 });
    expect(down.targetCalls()).toBe(1);
    expect(fleet.nodes![0]!.roles.kubelet.targets[0]).toMatchObject({ instance: 'node-a', discoveredAddress: '10.0.0.5:10250' });
    expect(fleet.sources.map((source) => source.endpoint)).toContain('GET /api/v1/targets');
    const up = prometheus(1, async () => LIVE);
    await loadFleet(up.client, { atMs: 1_700_000_000_000 });
    expect(up.targetCalls()).toBe(0);
  });

  it('goes on from `up` alone where there is no targets API, without a failed source', async () => {
    const thanos = prometheus(0, async () => Promise.reject(new UpstreamError('prometheus', 'unsupported', 'GET /api/v1/targets', 'no targets API')));
    const fleet = await loadFleet(thanos.client, { atMs: 1_700_000_000_000 });
    expect(fleet.nodes![0]!.roles.kubelet.targets[0]).not.toHaveProperty('discoveredAddress');
    expect(fleet.sources.every((source) => source.ok)).toBe(true);
  });
});
