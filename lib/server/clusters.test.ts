import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/http/api-error';
import type { PrometheusClient, VectorSample } from '@/lib/prometheus/client';
import { Clusters } from './clusters';
import { Gapscope } from './gapscope';

/** Which facade a request gets, against a stub store whose kube_node_info names nodes per cluster. */

const sample = (labels: Record<string, string>): VectorSample => ({ labels, value: 1, timestampMs: 0 });

function clustersOver(nodes: Record<string, string[]>, options: { failing?: boolean } = {}) {
  const asked: string[] = [];
  const prometheus = {
    instantQuery: async (query: string) => {
      asked.push(query);
      if (options.failing) throw new Error('store down');
      const node = /node="([^"]+)"/.exec(query)?.[1];
      return Object.entries(nodes)
        .filter(([, names]) => node === undefined || names.includes(node))
        .map(([cluster]) => sample(cluster ? { cluster } : {}));
    },
  } as unknown as PrometheusClient;
  const root = new Gapscope({ prometheus, kubelet: null });
  const made: string[] = [];
  const clusters = new Clusters({
    prometheus,
    root,
    label: 'cluster',
    facadeOf: (cluster, sole) => {
      made.push(`${cluster}${sole ? ' (sole)' : ''}`);
      return new Gapscope({ prometheus, kubelet: null, cluster });
    },
  });
  return { clusters, root, asked, made };
}

const reject = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('choosing the cluster of a request', () => {
  it('keeps a store without a cluster label on the unscoped facade, and refuses a cluster it does not have', async () => {
    const { clusters, root } = clustersOver({ '': ['node-a'] });
    expect(await clusters.choose(undefined, 'node-a')).toEqual({ gapscope: root, cluster: null });
    expect(await reject(clusters.choose('eu-1'))).toMatchObject({ status: 404, code: 'unknown-cluster', message: expect.stringContaining('no kube_node_info series has a cluster label') });
  });

  it("uses a store's only cluster without being told, with the default kubelet access", async () => {
    const { clusters, made } = clustersOver({ 'eu-1': ['node-a'] });
    expect(await clusters.choose(undefined)).toMatchObject({ cluster: 'eu-1' });
    expect(made).toEqual(['eu-1 (sole)']);
  });

  it('offers every cluster for the fleet, and finds the one cluster that has a node', async () => {
    const { clusters } = clustersOver({ 'eu-1': ['node-a', 'node-b'], 'us-1': ['node-a', 'node-c'] });
    expect(await clusters.choose(undefined)).toEqual({ pick: ['eu-1', 'us-1'] });
    expect(await clusters.choose(undefined, 'node-c')).toMatchObject({ cluster: 'us-1' });
    expect(await clusters.choose('eu-1', 'node-a')).toMatchObject({ cluster: 'eu-1' });
  });

  it('asks which cluster for a node name two clusters have (409 from the API), and 404s a node none has', async () => {
    const { clusters } = clustersOver({ 'eu-1': ['node-a'], 'us-1': ['node-a'] });
    expect(await clusters.choose(undefined, 'node-a')).toEqual({ pick: ['eu-1', 'us-1'] });
    expect(await reject(clusters.forNode(undefined, 'node-a'))).toMatchObject({ status: 409, code: 'ambiguous-node', message: 'node "node-a" is in several clusters (eu-1, us-1): add cluster= to say which' });
    expect(await reject(clusters.forNode(undefined, 'node-z'))).toMatchObject({ status: 404, code: 'unknown-node' });
    expect(await reject(clusters.forNode('ap-1', 'node-a'))).toMatchObject({ status: 404, code: 'unknown-cluster', message: 'cluster "ap-1" is not in the store (its clusters by cluster: eu-1, us-1)' });
  });

  it('requires a cluster for the fleet API and for a query without a node, and takes Grafana\'s var-cluster', async () => {
    const { clusters } = clustersOver({ 'eu-1': ['node-a'], 'us-1': ['node-b'] });
    expect(await reject(clusters.forFleet(undefined))).toMatchObject({ status: 400, code: 'cluster-required' });
    expect(await reject(clusters.forExplain({ vars: {} }))).toMatchObject({ status: 400, code: 'cluster-required' });
    expect(await clusters.forExplain({ vars: { cluster: 'us-1' } })).toMatchObject({ cluster: 'us-1' });
    expect(await clusters.forExplain({ node: 'node-a', vars: {} })).toMatchObject({ cluster: 'eu-1' });
  });

  it('asks for the list of clusters once a minute, not per request', async () => {
    const { clusters, asked } = clustersOver({ 'eu-1': ['node-a'], 'us-1': ['node-b'] });
    const now = Date.now();
    await clusters.choose('eu-1', undefined, now);
    await clusters.choose('us-1', undefined, now + 1_000);
    expect(asked.filter((query) => query === 'group by (cluster) (kube_node_info)')).toHaveLength(1);
  });

  it('falls back to what was asked when the store does not answer (the view then says why)', async () => {
    const { clusters, root } = clustersOver({}, { failing: true });
    expect(await clusters.choose('eu-1')).toMatchObject({ cluster: 'eu-1' });
    expect(await clusters.choose(undefined)).toEqual({ gapscope: root, cluster: null });
  });
});
