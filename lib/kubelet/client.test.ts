import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLabTls, type LabTls } from '@/lab/src/tls';
import { upstreamFailure as failure } from '@/lab/test-support/clients';
import { realFixture } from '@/lab/test-support/fixtures';
import type { SourceStatus } from '@/lib/contract/source';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import { readCadvisorSource } from './cadvisor-source';
import { KubeletClient, type KubeletConfig } from './client';

/** A loopback HTTPS "kubelet" whose answer each test sets, and a server that accepts and never answers. */
const dir = mkdtempSync(join(tmpdir(), 'gapscope-kubelet-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'good-token\n');
let tls: LabTls;
let server: Server;
let hanging: NetServer;
let address: string;
let hangingAddress: string;
let requests = 0;
const hangingSockets: Socket[] = [];
let behaviour: (path: string, headers: Record<string, string | string[] | undefined>) => { status: number; body: Buffer; gzip?: boolean; delayMs?: number };

const METRICS = Buffer.from('# HELP container_last_seen Last time a container was seen by the exporter\n# TYPE container_last_seen gauge\ncontainer_last_seen{id="/",image=""} 1\ncontainer_last_seen{id="/kubepods/a/b",image="x"} 1\n');

beforeAll(async () => {
  tls = makeLabTls(dir, ['127.0.0.1']);
  server = createHttpsServer({ cert: tls.cert, key: tls.key }, (request, response) => {
    requests++;
    const { status, body, gzip, delayMs } = behaviour(request.url ?? '', request.headers);
    const send = () => {
      response.writeHead(status, gzip ? { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' } : { 'Content-Type': 'text/plain' });
      response.end(body);
    };
    if (delayMs) setTimeout(send, delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Accepts connections and never answers, not even the TLS handshake.
  hanging = createNetServer((socket) => hangingSockets.push(socket));
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  hangingAddress = `127.0.0.1:${(hanging.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of hangingSockets) socket.destroy();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
});

function client(overrides: Partial<KubeletConfig> = {}, ca = true) {
  return new KubeletClient({ access: { mode: 'direct', tokenFile, caFile: ca ? tls.caFile : undefined, insecureSkipVerify: false }, timeoutMs: 1_000, maxBytes: 1 << 20, reuseMs: 5_000, ...overrides });
}

const countEmptyImage = async (body: AsyncIterable<Buffer>) => {
  let empty = 0;
  const scanner = new ExpositionScanner({ families: ['container_last_seen'], onSample: (sample) => void (sample.labels.image === '' && empty++) });
  for await (const chunk of body) scanner.push(chunk);
  scanner.end();
  return empty;
};

describe('KubeletClient (direct)', () => {
  it('sends the token, asks for gzip, decodes it with zlib and streams the body to the consumer', async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    behaviour = (_, headers) => {
      seen = headers;
      return { status: 200, body: gzipSync(METRICS), gzip: true };
    };
    const empty = await client().read({ name: 'node-a', kubeletAddress: address }, '/metrics/cadvisor', 'gzip-test', countEmptyImage);
    expect(empty).toBe(1);
    expect(seen.authorization).toBe('Bearer good-token');
    expect(seen['accept-encoding']).toBe('gzip');
  });

  it.each([
    [401, 'Unauthorized', 'unauthorized', /returned 401 Unauthorized for \/metrics: the token was rejected \(does the kubelet run with --authentication-token-webhook\?\)/],
    [403, 'Forbidden (user=system:serviceaccount:gapscope:gapscope, verb=get, resource=nodes, subresource(s)=[metrics])', 'forbidden', /returned 403 Forbidden for \/metrics: Forbidden \(user=system:serviceaccount:gapscope:gapscope/],
    [500, 'internal error', 'http-status', /returned HTTP 500 for \/metrics: internal error/],
  ] as const)('classifies HTTP %i', async (status, body, kind, message) => {
    behaviour = () => ({ status, body: Buffer.from(body) });
    const error = await failure(client().read({ name: `node-${status}`, kubeletAddress: address }, '/metrics', 'status', async () => 0));
    expect(error.kind).toBe(kind);
    expect(error.source).toBe('kubelet');
    expect(error.message).toMatch(message);
  });

  it('caps the decoded size, gzip or not', async () => {
    behaviour = () => ({ status: 200, body: gzipSync(Buffer.alloc(4 << 20, 'a')), gzip: true });
    const error = await failure(client({ maxBytes: 1 << 20 }).read({ name: 'node-big', kubeletAddress: address }, '/metrics/cadvisor', 'cap', countEmptyImage));
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/sent more than 1048576 bytes for \/metrics\/cadvisor; raise GAPSCOPE_KUBELET_MAX_BYTES/);
  });

  it('reports a corrupt gzip body', async () => {
    behaviour = () => ({ status: 200, body: Buffer.from('not gzip at all'), gzip: true });
    const error = await failure(client().read({ name: 'node-corrupt', kubeletAddress: address }, '/metrics', 'corrupt', countEmptyImage));
    expect(error.kind).toBe('invalid-response');
  });

  it('times out on a kubelet that never answers', async () => {
    const error = await failure(client({ timeoutMs: 300 }).read({ name: 'node-hang', kubeletAddress: hangingAddress }, '/metrics', 'hang', countEmptyImage));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 300 ms/);
  });

  it('reports TLS failures when the serving certificate is not trusted', async () => {
    behaviour = () => ({ status: 200, body: METRICS });
    const error = await failure(client({}, false).read({ name: 'node-tls', kubeletAddress: address }, '/metrics', 'tls', countEmptyImage));
    expect(error.kind).toBe('tls');
  });

  it('reports a refused connection', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client().read({ name: 'node-refused', kubeletAddress: `127.0.0.1:${port}` }, '/metrics', 'refused', countEmptyImage));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('shares one upstream request between concurrent readers of the same thing, and reuses it briefly', async () => {
    behaviour = () => ({ status: 200, body: METRICS, delayMs: 100 });
    const kubelet = client();
    const before = requests;
    const results = await Promise.all(Array.from({ length: 5 }, () => kubelet.read({ name: 'node-sf', kubeletAddress: address }, '/metrics/cadvisor', 'empty-image', countEmptyImage)));
    expect(results).toEqual([1, 1, 1, 1, 1]);
    await kubelet.read({ name: 'node-sf', kubeletAddress: address }, '/metrics/cadvisor', 'empty-image', countEmptyImage);
    expect(requests - before).toBe(1);
    await kubelet.read({ name: 'node-sf', kubeletAddress: address }, '/metrics/cadvisor', 'another-consumer', countEmptyImage);
    expect(requests - before).toBe(2);
  });

  it.each([
    ['a node name that is not DNS-1123', { name: '../../etc', kubeletAddress: '127.0.0.1:1' }, /is not a node name/],
    ['a node without a kubelet target', { name: 'node-x' }, /no kubelet address is known for node node-x/],
    ['an address that is not host:port', { name: 'node-y', kubeletAddress: 'evil.example/path?x' }, /no kubelet address is known/],
  ])('never builds a request for %s', async (_, node, message) => {
    const before = requests;
    const error = await failure(client().read(node, '/metrics', 'validate', countEmptyImage));
    expect(error.message).toMatch(message);
    expect(requests).toBe(before);
  });
});

describe('secrets in upstream errors', () => {
  it('never quotes the token a kubelet or proxy echoes back in its error body, in the error or its source status', async () => {
    // A misbehaving proxy that answers 401 with the request's headers in the body.
    behaviour = (_path, headers) => ({ status: 401, body: Buffer.from(`Unauthorized. Request headers: authorization: ${String(headers.authorization)}; host: ${String(headers.host)}`) });
    const error = await failure(client({ reuseMs: 0 }).read({ name: 'node-a', kubeletAddress: address }, '/metrics', 'echo', async () => 0));
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain('Request headers: authorization: [redacted]');
    expect(error.message).not.toContain('good-token');
    const { sourceFailure } = await import('@/lib/errors');
    expect(JSON.stringify(sourceFailure(error, { source: 'kubelet', endpoint: 'GET /metrics' }))).not.toContain('good-token');
  });
});

describe('readCadvisorSource on the real captures (k8s 1.31, containerd 1.7.27)', () => {
  const cadvisor = Buffer.from(realFixture('nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt'));
  const summary = Buffer.from(realFixture('nri-kubernetes/k8s-1.31_kubelet_stats_summary.json'));
  const node = () => ({ name: 'datagen', kubeletAddress: address });

  it("keeps each container cgroup with its labels and served line, the units' starts, and the kubelet's start from the summary", async () => {
    behaviour = (path) => ({ status: 200, body: gzipSync(path === '/stats/summary' ? summary : cadvisor), gzip: true });
    const sources: SourceStatus[] = [];
    const source = await readCadvisorSource(client({ maxBytes: 64 << 20, reuseMs: 0 }), node(), sources);
    expect(sources.map((entry) => [entry.endpoint, entry.ok])).toEqual([['GET /metrics/cadvisor (datagen)', true], ['GET /stats/summary (datagen)', true]]);
    // Every cgroup id that ends in a 64-hex container id, pause sandboxes included: all labelled on a healthy node.
    expect(source.cgroups!.length).toBeGreaterThan(10);
    expect(source.cgroups!.every((cgroup) => /[0-9a-f]{64}$/.test(cgroup.id) && cgroup.labels.pod && cgroup.line.startsWith('container_start_time_seconds{'))).toBe(true);
    expect(source.units.kubelet).toEqual({ startedAt: 1_762_283_628_000, line: 'container_start_time_seconds{container="",id="/system.slice/kubelet.service",image="",name="",namespace="",pod=""} 1762283628' });
    expect(source.summary).toEqual({ kubeletStartedAt: Date.parse('2025-11-04T19:13:48Z'), runtimeStartedAt: undefined });
    expect(source.dockerVersion).toBe('');
    expect(source.failures).toEqual([]);
  });

  it('reads the cgroups even when /stats/summary is not the kubelet\'s JSON, and says why the summary is missing', async () => {
    behaviour = (path) => (path === '/stats/summary' ? { status: 200, body: Buffer.from('{"pods":[]}') } : { status: 200, body: cadvisor });
    const sources: SourceStatus[] = [];
    const source = await readCadvisorSource(client({ maxBytes: 64 << 20, reuseMs: 0 }), node(), sources);
    expect(source.cgroups!.length).toBeGreaterThan(10);
    expect(source.summary).toBeNull();
    expect(source.failures).toEqual([expect.stringMatching(/^\/stats\/summary: .*has no node object/)]);
    expect(sources[1]).toMatchObject({ ok: false, kind: 'invalid-response' });
  });

  it('says what it could not read when the kubelet answers 403, and has no cgroups to show', async () => {
    behaviour = () => ({ status: 403, body: Buffer.from('Forbidden (user=system:serviceaccount:monitoring:gapscope, verb=get, resource=nodes, subresource(s)=[metrics])') });
    const sources: SourceStatus[] = [];
    const source = await readCadvisorSource(client({ reuseMs: 0 }), node(), sources);
    expect(source.cgroups).toBeNull();
    expect(source.failures).toHaveLength(2);
    expect(sources.every((entry) => entry.ok === false && entry.kind === 'forbidden')).toBe(true);
  });
});

describe('KubeletClient (through the API server proxy)', () => {
  const kubeconfigFile = join(dir, 'kubeconfig');
  beforeAll(() => {
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'lab', cluster: { server: `https://${address}`, 'certificate-authority': tls.caFile } }],
      users: [{ name: 'gapscope', user: { token: 'good-token' } }],
      contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'gapscope' } }],
      'current-context': 'lab',
    };
    writeFileSync(kubeconfigFile, JSON.stringify(kubeconfig));
  });
  const proxy = () => new KubeletClient({ access: { mode: 'proxy', kubeconfigFile }, timeoutMs: 1_000, maxBytes: 1 << 20, reuseMs: 0 });

  it("tells the API server's own 401 (a Status object) from the kubelet's, passed through", async () => {
    let path = '';
    behaviour = (requested) => {
      path = requested;
      return { status: 401, body: Buffer.from('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}') };
    };
    const byApiserver = await failure(proxy().read({ name: 'node-a' }, '/metrics', 'x', async () => 0));
    expect(path).toBe('/api/v1/nodes/node-a/proxy/metrics');
    expect(byApiserver).toMatchObject({ kind: 'unauthorized', source: 'kube-apiserver' });
    expect(byApiserver.message).toMatch(/the API server rejected the kubeconfig's credentials/);
    behaviour = () => ({ status: 401, body: Buffer.from('Unauthorized') });
    const byKubelet = await failure(proxy().read({ name: 'node-a' }, '/metrics', 'x', async () => 0));
    expect(byKubelet.message).toMatch(/the kubelet rejected the API server's client certificate/);
  });
});
