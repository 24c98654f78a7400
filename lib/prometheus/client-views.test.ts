import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrometheusClient, type PrometheusConfig } from './client';

/**
 * A client's cluster views against a real HTTP server that records what it is asked: a store holding the
 * clusters "eu-1" and "us-1", and one cluster's scraper with its own targets list.
 */

interface Asked {
  path: string;
  query?: string;
  match: string[];
}

let store: Server;
let scraper: Server;
let storeUrl: string;
let scraperUrl: string;
const asked: Asked[] = [];
const scraperAsked: string[] = [];

const success = (data: unknown) => JSON.stringify({ status: 'success', data });
const series = (cluster: string, node: string) => ({ metric: { __name__: 'kube_node_info', cluster, node }, value: [1700000000, '1'] });
const target = (labels: Record<string, string>, lastError = '') => ({ labels, scrapePool: labels.job, scrapeUrl: `http://${labels.instance}/metrics`, health: lastError ? 'down' : 'up', lastError, scrapeInterval: '30s' });

function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve([server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`])));
}

async function body(request: import('node:http').IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  [store, storeUrl] = await listen(async (request, response) => {
    const url = new URL(request.url!, 'http://x');
    const form = new URLSearchParams(await body(request));
    asked.push({ path: url.pathname, ...(form.get('query') ? { query: form.get('query')! } : {}), match: url.searchParams.getAll('match[]') });
    if (url.pathname === '/api/v1/query') return response.end(success({ resultType: 'vector', result: [series('eu-1', 'node-a'), series('us-1', 'node-a'), series('us-1', 'node-b')] }));
    if (url.pathname === '/api/v1/targets') return response.end(success({ activeTargets: [target({ job: 'kubelet', instance: 'a:10250', cluster: 'eu-1' }), target({ job: 'kubelet', instance: 'b:10250', cluster: 'us-1' })] }));
    if (url.pathname === '/api/v1/labels') return response.end(success(['__name__', 'cluster', 'node']));
    response.statusCode = 404;
    response.end('not found');
  });
  [scraper, scraperUrl] = await listen((request, response) => {
    scraperAsked.push(request.url!);
    response.end(success({ activeTargets: [target({ job: 'kubelet', instance: '10.0.0.1:10250' }, 'server returned HTTP status 401 Unauthorized')] }));
  });
});

afterAll(async () => {
  await Promise.all([store, scraper].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

beforeEach(() => {
  asked.length = 0;
  scraperAsked.length = 0;
});

const config = (baseUrl: string): PrometheusConfig => ({ baseUrl, timeoutMs: 2_000, headers: {}, insecureSkipVerify: false, maxInFlight: 4, maxResponseBytes: 1 << 20 });

describe('a scoped view (one cluster of the store)', () => {
  it('sends every query with the cluster matcher, and counts it with the store', async () => {
    const base = new PrometheusClient(config(storeUrl));
    const eu = base.withView({ kind: 'scoped', cluster: { label: 'cluster', value: 'eu-1' } });
    await eu.instantQuery('kube_node_info{node="node-a"}');
    await eu.instantBatch({ one: 'up{job="kubelet"}', two: 'node_uname_info' });
    expect(asked.map((request) => request.query)).toEqual([
      'kube_node_info{cluster="eu-1",node="node-a"}',
      'label_replace(up{cluster="eu-1",job="kubelet"}, "gapscope_part", "one", "", "") or label_replace(node_uname_info{cluster="eu-1"}, "gapscope_part", "two", "", "")',
    ]);
    expect(base.requestCount).toBe(2);
  });

  it('scopes the label names API too', async () => {
    const eu = new PrometheusClient(config(storeUrl)).withView({ kind: 'scoped', cluster: { label: 'cluster', value: 'eu-1' } });
    await eu.labelNames(['kube_node_labels', 'kube_pod_labels']);
    expect(asked[0]!.match).toEqual(['kube_node_labels{cluster="eu-1"}', 'kube_pod_labels{cluster="eu-1"}']);
  });

  it("keeps only the cluster's targets of the store's list", async () => {
    const us = new PrometheusClient(config(storeUrl)).withView({ kind: 'scoped', cluster: { label: 'cluster', value: 'us-1' } });
    expect((await us.targets()).map((item) => item.labels.instance)).toEqual(['b:10250']);
  });

  it("reads the targets (with their last errors) from the cluster's scraper where one is configured, never from the store", async () => {
    const scraperClient = new PrometheusClient(config(scraperUrl));
    const eu = new PrometheusClient(config(storeUrl)).withView({ kind: 'scoped', cluster: { label: 'cluster', value: 'eu-1' }, scraper: scraperClient });
    const targets = await eu.targets();
    expect(targets).toMatchObject([{ labels: { instance: '10.0.0.1:10250' }, health: 'down', lastError: 'server returned HTTP status 401 Unauthorized' }]);
    expect(scraperAsked).toEqual(['/api/v1/targets?state=active']);
    expect(asked).toEqual([]);
  });
});

describe('split views (every cluster at once)', () => {
  it('ask each question once for all clusters, with the cluster label kept, and hand each its own series', async () => {
    const base = new PrometheusClient(config(storeUrl));
    const answers = new Map<string, Promise<unknown>>();
    const eu = base.withView({ kind: 'split', cluster: { label: 'cluster', value: 'eu-1' }, answers });
    const us = base.withView({ kind: 'split', cluster: { label: 'cluster', value: 'us-1' }, answers });
    const [euNodes, usNodes] = await Promise.all([eu.instantQuery('max by (node) (kube_node_info)'), us.instantQuery('max by (node) (kube_node_info)')]);
    expect(asked.map((request) => request.query)).toEqual(['max by (cluster, node) (kube_node_info)']);
    expect(euNodes.map((sample) => sample.labels.node)).toEqual(['node-a']);
    expect(usNodes.map((sample) => sample.labels.node)).toEqual(['node-a', 'node-b']);
    await Promise.all([eu.targets(), us.targets()]);
    expect(asked.filter((request) => request.path === '/api/v1/targets')).toHaveLength(1);
  });
});
