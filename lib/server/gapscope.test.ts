import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLabTls } from '@/lab/src/tls';
import { KubeletClient } from '@/lib/kubelet/client';
import type { PrometheusClient, TargetHealth, VectorSample } from '@/lib/prometheus/client';
import { resolveRange, type ResolvedRange } from '@/lib/time-range';
import { Gapscope } from './gapscope';
import { KSM_EXPORTED_QUERY, nodeInfoQuery } from './inventory';

/**
 * Direct kubelet mode sends gapscope's token to the node itself, never to a target that only looks like a
 * kubelet. A real TLS server records every Authorization header it receives.
 */

const TOKEN = 'gapscope-test-token-value';
let server: Server;
let port: number;
let tokenFile: string;
let caFile: string;
const received: (string | undefined)[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gapscope-token-'));
  const tls = makeLabTls(dir, ['127.0.0.1']);
  caFile = tls.caFile;
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, TOKEN);
  server = createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
    received.push(request.headers.authorization);
    response.end(request.url === '/configz' ? '{"kubeletconfig":{"volumeStatsAggPeriod":"1m0s"}}' : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sample = (labels: Record<string, string>, value = 1): VectorSample => ({ labels, value, timestampMs: 0 });

/** A Prometheus that knows one node (family parts are asked as "family part"), whose kubelet role has one target scraped at `scrapeUrl`, and one claim without stats. */
function prometheus(internalIp: string, target: { labels: Record<string, string>; scrapeUrl: string }): PrometheusClient {
  const nodeInfo = [sample({ node: 'node-a', internal_ip: internalIp, kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27' })];
  const parts: Record<string, VectorSample[]> = {
    claims: [sample({ namespace: 'shop', persistentvolumeclaim: 'data', pod: 'db-0', node: 'node-a' })],
    phases: [sample({ namespace: 'shop', pod: 'db-0', phase: 'Running' })],
    claimInfo: [sample({ namespace: 'shop', persistentvolumeclaim: 'data', volumename: 'pv-1' })],
    volumeInfo: [sample({ persistentvolume: 'pv-1', csi_driver: 'ebs.csi.aws.com' })],
  };
  const targets: TargetHealth[] = [{ pool: target.labels.job!, scrapeUrl: target.scrapeUrl, labels: target.labels, health: 'up', lastError: '' }];
  const stub = {
    instantQuery: async (promql: string) => (promql === KSM_EXPORTED_QUERY ? [] : promql.includes('kube_node_info') ? nodeInfo : promql.startsWith('up') ? [sample(target.labels)] : []),
    instantBatch: async (queries: Record<string, string>) => Object.fromEntries(Object.keys(queries).map((key) => [key, parts[key.split(' ').at(-1)!] ?? []])),
    targets: async () => targets,
  };
  return stub as unknown as PrometheusClient;
}

const range = (): ResolvedRange => resolveRange('now-1h', 'now', Date.now()) as ResolvedRange;
const kubelet = () => new KubeletClient({ access: { mode: 'direct', tokenFile, caFile, insecureSkipVerify: false }, timeoutMs: 2_000, maxBytes: 1 << 20, reuseMs: 0 });

describe('direct kubelet reads', () => {
  it('never send the token to a look-alike: a "kubelet-exporter" Service with a node label, elsewhere', async () => {
    received.length = 0;
    // The node lives at 127.0.0.3; the look-alike listens at 127.0.0.1, on a TLS port, answering anything.
    const lookAlike = { labels: { job: 'kubelet-exporter', instance: `127.0.0.1:${port}`, node: 'node-a' }, scrapeUrl: `https://127.0.0.1:${port}/metrics` };
    const gapscope = new Gapscope({ prometheus: prometheus('127.0.0.3', lookAlike), kubelet: kubelet(), cacheTtlMs: 0 });
    const investigation = await gapscope.node('node-a', range());
    expect(received).toEqual([]);
    expect(investigation.sources.find((source) => source.source === 'kubelet')).toMatchObject({ ok: false, detail: expect.stringMatching(/^not read: no kubelet target scrapes node node-a at its own address 127\.0\.0\.3/) });
    // The claim's finding is still there, from stored data alone.
    expect(investigation.findings.filter((finding) => finding.family === 'volume-stats').map((finding) => [finding.kind, finding.subject])).toEqual([['pvc-stats-missing', 'shop/data']]);
  });

  it('send it to the node itself, at the port its kubelet target is scraped on', async () => {
    received.length = 0;
    const real = { labels: { job: 'kubelet', instance: `127.0.0.1:${port}`, node: 'node-a', metrics_path: '/metrics' }, scrapeUrl: `https://127.0.0.1:${port}/metrics` };
    const gapscope = new Gapscope({ prometheus: prometheus('127.0.0.1', real), kubelet: kubelet(), cacheTtlMs: 0 });
    const investigation = await gapscope.node('node-a', range());
    expect(received).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(investigation.sources.filter((source) => source.source === 'kubelet').map((source) => [source.endpoint, source.ok])).toEqual([
      ['GET /metrics (node-a)', true],
      ['GET /configz (node-a)', true],
    ]);
  });
});

describe('identical concurrent requests', () => {
  it('share one investigation: 50 viewers of a node cost what one does', async () => {
    const counted = (inner: PrometheusClient) => {
      let calls = 0;
      const wrap = <F extends (...args: never[]) => Promise<unknown>>(method: F) => ((...args: Parameters<F>) => (calls++, method(...args))) as F;
      const stub = { instantQuery: wrap(inner.instantQuery), instantBatch: wrap(inner.instantBatch), targets: wrap(inner.targets) };
      return { prometheus: stub as unknown as PrometheusClient, calls: () => calls };
    };
    const target = { labels: { job: 'kubelet', instance: '127.0.0.9:10250', node: 'node-a', metrics_path: '/metrics' }, scrapeUrl: 'https://127.0.0.9:10250/metrics' };
    const alone = counted(prometheus('127.0.0.9', target));
    await new Gapscope({ prometheus: alone.prometheus, kubelet: null, cacheTtlMs: 15_000 }).node('node-a', range());
    const crowd = counted(prometheus('127.0.0.9', target));
    const gapscope = new Gapscope({ prometheus: crowd.prometheus, kubelet: null, cacheTtlMs: 15_000 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => gapscope.node('node-a', range())));
    expect(alone.calls()).toBeGreaterThan(0);
    expect(crowd.calls()).toBe(alone.calls());
    expect(new Set(answers.map((answer) => answer.generatedAt)).size).toBe(1);
    // Another range is another view, computed again (the fleet inventory it reads is shared for the TTL).
    await gapscope.node('node-a', resolveRange('now-6h', 'now', Date.now()) as ResolvedRange);
    expect(crowd.calls()).toBeGreaterThan(alone.calls());
  });
});

describe('an unknown node at a past instant', () => {
  it('costs one small request, and no fleet-wide query', async () => {
    const asked: string[] = [];
    const stub = {
      instantQuery: async (promql: string) => (asked.push(promql), []),
      instantBatch: async () => ({}),
      targets: async () => [],
    } as unknown as PrometheusClient;
    const past = resolveRange('now-6h', 'now-3h', Date.now()) as ResolvedRange;
    const investigation = await new Gapscope({ prometheus: stub, kubelet: null, cacheTtlMs: 0 }).node('no-such-node', past);
    expect(investigation.found).toBe(false);
    expect(asked).toEqual([nodeInfoQuery('no-such-node')]);
  });
});

describe('right after Prometheus starts', () => {
  const withStart = (startedAgoMs: number) => {
    const inner = prometheus('127.0.0.9', { labels: { job: 'kubelet', instance: '127.0.0.9:10250', node: 'node-a', metrics_path: '/metrics' }, scrapeUrl: 'https://127.0.0.9:10250/metrics' });
    return Object.assign(Object.create(inner) as PrometheusClient, {
      targets: async () => (await inner.targets()).map((target) => ({ ...target, scrapeIntervalMs: 15_000 })),
      startedAt: async () => Date.now() - startedAgoMs,
    });
  };

  it('reports no target as missing within two scrape intervals, and says why', async () => {
    const investigation = await new Gapscope({ prometheus: withStart(3_000), kubelet: null, cacheTtlMs: 0 }).node('node-a', range());
    expect(investigation.findings.filter((finding) => finding.kind === 'target-missing')).toEqual([]);
    expect(investigation.sources.find((source) => source.endpoint === 'GET /api/v1/status/runtimeinfo')?.detail).toMatch(/^Prometheus started 3 s ago, less than two scrape intervals \(15 s\)/);
  });

  it('reports the missing targets once two scrape intervals have passed', async () => {
    const investigation = await new Gapscope({ prometheus: withStart(60_000), kubelet: null, cacheTtlMs: 0 }).node('node-a', range());
    expect(investigation.findings.filter((finding) => finding.kind === 'target-missing').map((finding) => finding.subject)).toEqual(['cAdvisor /metrics/cadvisor', 'node-exporter']);
  });
});

describe("a node page's own kube_node_info", () => {
  it('is asked once for the check before streaming and the findings', async () => {
    const inner = prometheus('127.0.0.9', { labels: { job: 'kubelet', instance: '127.0.0.9:10250', node: 'node-a', metrics_path: '/metrics' }, scrapeUrl: 'https://127.0.0.9:10250/metrics' });
    const asked: string[] = [];
    const counting = Object.assign(Object.create(inner) as PrometheusClient, { instantQuery: (promql: string, atMs?: number) => (asked.push(promql), inner.instantQuery(promql, atMs)) });
    const gapscope = new Gapscope({ prometheus: counting, kubelet: null, cacheTtlMs: 15_000 });
    expect(await gapscope.nodeKnown('node-a')).toBe(true);
    expect((await gapscope.node('node-a', range())).found).toBe(true);
    expect(asked.filter((promql) => promql === nodeInfoQuery('node-a'))).toHaveLength(1);
  });
});
