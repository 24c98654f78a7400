import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamFailure as failure } from '@/lab/test-support/clients';
import { runAbortable, runWithDeadline } from '@/lib/abort-scope';
import { goDurationMs, PrometheusClient, type PrometheusConfig } from './client';

/** A loopback server standing in for a misbehaving Prometheus; each test picks a behaviour by path. */
let server: Server;
let baseUrl: string;
let inFlight = 0;
let maxInFlight = 0;
let received = 0;
let lastHeaders: IncomingMessage['headers'] = {};
let lastBody = '';

const vector = (value: string) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { node: 'a' }, value: [1700000000.5, value] }] } });

/** Released by a test: gated queries wait for it. */
let openGate: () => void = () => {};
let gate = Promise.resolve();

const behaviours: Record<string, (response: ServerResponse, url: string) => void> = {
  // A 300 KB answer: its first 200 KB at once, the rest once the gate opens, so concurrent answers overlap.
  halves: (response) => {
    const body = Buffer.from(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { pad: 'x'.repeat(300_000) }, value: [1, '1'] }] } }));
    response.write(body.subarray(0, 200_000));
    void gate.then(() => response.end(body.subarray(200_000)));
  },
  // Queries wait for the gate; the build info (a health check) answers at once.
  gated: (response, url) => {
    if (url.includes('/status/buildinfo')) response.end(JSON.stringify({ status: 'success', data: { version: '2.42.0' } }));
    else void gate.then(() => response.end(vector('1')));
  },
  ok: (response) => response.end(vector('1')),
  // VictoriaMetrics' build info: success, and nothing in it.
  versionless: (response) => response.end(JSON.stringify({ status: 'success', data: {} })),
  nan: (response) => response.end(vector('NaN')),
  html: (response) => {
    response.writeHead(502, { 'Content-Type': 'text/html' });
    response.end('<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>');
  },
  'html-200': (response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<html><title>Sign in</title></html>');
  },
  error: (response) => {
    response.writeHead(400, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' }));
  },
  shape: (response) => response.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } })),
  'not-api': (response) => response.end(JSON.stringify({ hello: 'world' })),
  labels: (response, url) => response.end(JSON.stringify({ status: 'success', data: ['__name__', 'namespace', 'pod', 'uid', new URL(url, 'http://x').searchParams.getAll('match[]').join('|')] })),
  'labels-not-names': (response) => response.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })),
  slow: (response) => setTimeout(() => response.end(vector('1')), 2_000).unref(),
  huge: (response) => response.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [], pad: 'x'.repeat(4096) } })),
  unauthorized: (response) => {
    response.writeHead(401, { 'Content-Type': 'text/plain' });
    response.end('Unauthorized');
  },
  'no-targets': (response) => {
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('404 page not found');
  },
  // The shape of Prometheus 2.42's own rendering: defaults filled in, the regex quoted.
  config: (response) =>
    response.end(JSON.stringify({ status: 'success', data: { yaml: 'global:\n  scrape_interval: 5s\nscrape_configs:\n- job_name: serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1\n  honor_labels: true\n  metric_relabel_configs:\n  - source_labels: [id, pod]\n    separator: ;\n    regex: .+;\n    replacement: $1\n    action: drop\n  sample_limit: 20000\n  body_size_limit: 10MiB\n  label_value_length_limit: 120\n- job_name: node-exporter\n  body_size_limit: 0B\n' } })),
  'config-not-prometheus': (response) => response.end(JSON.stringify({ status: 'success', data: { yaml: 'scrape_configs: 5\n' } })),
  'config-not-yaml': (response) => response.end(JSON.stringify({ status: 'success', data: { yaml: 'a: [\n' } })),
  // Prometheus 2.42's shape: a kubelet scraped through the API server's proxy, and one scraped directly.
  targets: (response) =>
    response.end(
      JSON.stringify({
        status: 'success',
        data: {
          activeTargets: [
            { discoveredLabels: { __address__: '10.0.0.5:10250', __meta_kubernetes_node_name: 'node-a', job: 'kubernetes-nodes' }, labels: { instance: 'node-a', job: 'kubernetes-nodes' }, scrapePool: 'kubernetes-nodes', scrapeUrl: 'https://kubernetes.default.svc:443/api/v1/nodes/node-a/proxy/metrics', lastError: '', health: 'up', scrapeInterval: '1m' },
            { discoveredLabels: { __address__: '10.0.0.5:10250' }, labels: { instance: '10.0.0.5:10250', job: 'kubelet' }, scrapePool: 'kubelet', scrapeUrl: 'https://10.0.0.5:10250/metrics', lastError: '', health: 'up' },
          ],
          droppedTargets: [],
        },
      }),
    ),
  held: (response) => setTimeout(() => response.end(vector('1')), 100).unref(),
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      lastHeaders = request.headers;
      lastBody = Buffer.concat(chunks).toString();
      inFlight++;
      received++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      response.on('close', () => inFlight--);
      const behaviour = (request.url ?? '').split('/')[1] ?? '';
      (behaviours[behaviour] ?? behaviours['no-targets']!)(response, request.url ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(behaviour: string, overrides: Partial<PrometheusConfig> = {}) {
  return new PrometheusClient({ baseUrl: `${baseUrl}/${behaviour}`, timeoutMs: 500, headers: {}, insecureSkipVerify: false, maxInFlight: 8, maxResponseBytes: 1 << 20, ...overrides });
}

describe('PrometheusClient', () => {
  it('posts the query and returns samples with numbers and millisecond timestamps', async () => {
    const samples = await client('ok').instantQuery('up{job="kubelet"}', 1_700_000_000_000);
    expect(samples).toEqual([{ labels: { node: 'a' }, value: 1, timestampMs: 1_700_000_000_500 }]);
    expect(new URLSearchParams(lastBody).get('query')).toBe('up{job="kubelet"}');
    expect(new URLSearchParams(lastBody).get('time')).toBe('1700000000');
  });

  it('keeps NaN as a number', async () => {
    expect((await client('nan').instantQuery('x'))[0]!.value).toBeNaN();
  });

  it.each([
    ['an HTML error page', 'html', 'http-status', /HTTP 502 with text\/html instead of JSON.*502 Bad Gateway nginx/],
    ['an HTML page with 200', 'html-200', 'not-json', /HTTP 200 with text\/html instead of JSON.*Sign in/],
    ['status "error"', 'error', 'api-error', /rejected the request \(HTTP 400, bad_data\): invalid parameter "query"/],
    ['an unexpected data shape', 'shape', 'invalid-response', /unexpected shape at resultType/],
    ['JSON that is not an API response', 'not-api', 'invalid-response', /not an API response/],
    ['no answer in time', 'slow', 'timeout', /did not answer within 500 ms/],
    ['a body over the size cap', 'huge', 'too-large', /more than 1024 bytes/],
    ['401', 'unauthorized', 'unauthorized', /refused the request with HTTP 401/],
  ])('turns %s into an UpstreamError', async (_, behaviour, kind, message) => {
    const error = await failure(client(behaviour, behaviour === 'huge' ? { maxResponseBytes: 1024 } : {}).instantQuery('up'));
    expect(error.kind).toBe(kind);
    expect(error.source).toBe('prometheus');
    expect(error.endpoint).toBe('POST /api/v1/query up');
    expect(error.message).toMatch(message);
  });

  it('keeps the address node discovery gave a target only where relabelling replaced it', async () => {
    const [proxied, direct] = await client('targets').targets();
    expect(proxied).toEqual({ pool: 'kubernetes-nodes', scrapeUrl: 'https://kubernetes.default.svc:443/api/v1/nodes/node-a/proxy/metrics', discoveredAddress: '10.0.0.5:10250', labels: { instance: 'node-a', job: 'kubernetes-nodes' }, health: 'up', lastError: '', scrapeIntervalMs: 60_000 });
    expect(direct).not.toHaveProperty('discoveredAddress');
  });

  it("cancels a view's requests once its viewers have gone: the one in flight, and the queued one unsent", async () => {
    gate = new Promise((resolve) => (openGate = resolve));
    const gated = client('gated', { maxInFlight: 1 });
    const view = new AbortController();
    const before = received;
    const [running, queued] = runAbortable(view.signal, () => [gated.instantQuery('a'), gated.instantQuery('b')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received - before).toBe(1);
    view.abort();
    for (const request of [running, queued]) expect((await failure(request!)).kind).toBe('aborted');
    openGate();
    // The queued one was never sent, and the slot is free for the next view.
    expect(received - before).toBe(1);
    expect(await gated.instantQuery('c')).toHaveLength(1);
  });

  it("gives a request no more than what is left of its view's time, and none once it has run out", async () => {
    const slow = client('slow', { timeoutMs: 5_000 });
    const cut = await failure(runWithDeadline(Date.now() + 200, () => slow.instantQuery('up')));
    expect(cut.kind).toBe('timeout');
    expect(cut.message).toMatch(/did not answer within the \d+ ms left of the view's time \(GAPSCOPE_PROMETHEUS_TIMEOUT, 5000 ms from the request\)/);
    const before = received;
    const late = await failure(runWithDeadline(Date.now() - 1, () => client('ok').instantQuery('up')));
    expect(late.message).toMatch(/was not asked: the view's time .* had run out/);
    expect(received).toBe(before);
  });

  it('says so when a Prometheus-compatible API has no targets endpoint', async () => {
    const error = await failure(client('no-targets').targets());
    expect(error.kind).toBe('unsupported');
    expect(error.message).toMatch(/has no \/api\/v1\/targets endpoint.*Thanos Query and Mimir/);
  });

  it('asks the label names of the matching series over the last five minutes, one match[] per selector', async () => {
    const names = await client('labels').labelNames(['kube_node_labels', 'kube_pod_labels'], 1_700_000_000_000);
    expect(names).toEqual(['__name__', 'namespace', 'pod', 'uid', 'kube_node_labels|kube_pod_labels']);
    const error = await failure(client('labels-not-names').labelNames(['kube_pod_labels']));
    expect(error.kind).toBe('invalid-response');
  });

  it("reads each scrape job's metric_relabel_configs from the loaded configuration", async () => {
    const jobs = await client('config').scrapeConfig();
    const cadvisor = jobs.get('serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1')!;
    expect(cadvisor.honorLabels).toBe(true);
    expect(cadvisor.metricRelabel).toMatchObject([{ position: 1, action: 'drop', sourceLabels: ['id', 'pod'], regexText: '.+;' }]);
    expect(jobs.get('node-exporter')!.metricRelabel).toEqual([]);
    // The scrape limits that are set; 0 (no limit) is left out.
    expect(cadvisor.limits).toEqual({ jobName: 'serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1', sample_limit: 20000, body_size_limit: '10MiB', label_value_length_limit: 120 });
    expect(jobs.get('node-exporter')!.limits).toEqual({ jobName: 'node-exporter' });
  });

  it.each([
    ['a configuration that is not a Prometheus one', 'config-not-prometheus', /no readable scrape_configs/],
    ['a configuration that is not YAML', 'config-not-yaml', /is not YAML/],
  ])('turns %s into an invalid-response error', async (_, behaviour, message) => {
    const error = await failure(client(behaviour).scrapeConfig());
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toMatch(message);
  });

  it('reports a refused connection as unreachable', async () => {
    // A port that was just free: nothing listens there any more.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000, headers: {}, insecureSkipVerify: false, maxInFlight: 8, maxResponseBytes: 1024 }).buildInfo());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/could not connect \(ECONNREFUSED\)/);
  });

  it('sends extra headers and a bearer token read from its file on every request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gapscope-token-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'first\n');
    const prometheus = client('ok', { headers: { 'X-Scope-OrgID': 'team-a' }, bearerTokenFile: tokenFile });
    await prometheus.instantQuery('up');
    expect(lastHeaders.authorization).toBe('Bearer first');
    expect(lastHeaders['x-scope-orgid']).toBe('team-a');
    writeFileSync(tokenFile, 'rotated');
    await prometheus.instantQuery('up');
    expect(lastHeaders.authorization).toBe('Bearer rotated');
  });

  it('sends basic auth from a password file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gapscope-basic-'));
    writeFileSync(join(dir, 'password'), 'pw');
    await client('ok', { basicAuth: { user: 'me', passwordFile: join(dir, 'password') } }).instantQuery('up');
    expect(lastHeaders.authorization).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);
  });

  it('takes a build info without a version (VictoriaMetrics) as an answer, not a failure', async () => {
    expect(await client('versionless').buildInfo()).toEqual({});
  });

  it('answers a health check beside the in-flight limit, while page queries hold every slot', async () => {
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const prometheus = client('gated', { maxInFlight: 2, timeoutMs: 10_000 });
    let answered = 0;
    const queries = Array.from({ length: 10 }, () => prometheus.instantQuery('up').then(() => answered++));
    // The queries cannot finish before the gate opens, and the gate opens only after the build info answered:
    // queued behind them, the build info would wait for their timeouts.
    expect(await prometheus.buildInfo()).toEqual({ version: '2.42.0' });
    expect(answered).toBe(0);
    openGate();
    await Promise.all(queries);
    expect(answered).toBe(10);
  });

  it('times out a request that waits in the queue, without ever sending it', async () => {
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const prometheus = client('gated', { maxInFlight: 1, timeoutMs: 300 });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => prometheus.instantQuery('up')));
    openGate();
    // All ten had the same 300 ms from the moment they were asked. The first was sent and timed out in flight;
    // the ones behind it timed out in the queue and were not sent. (One may win the slot the first frees, at
    // the very moment its own time runs out, and be sent with a millisecond left.)
    const reasons = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as Error & { kind: string });
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(reasons.every((reason) => reason.kind === 'timeout')).toBe(true);
    expect(reasons.filter((reason) => /was not sent/.test(reason.message)).length).toBeGreaterThanOrEqual(8);
    expect(prometheus.requestCount).toBeLessThanOrEqual(2);
  });

  it('sheds requests beyond its queue at once, as overloaded, and still answers the queued ones', async () => {
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const prometheus = client('gated', { maxInFlight: 1, maxQueued: 2, timeoutMs: 5_000 });
    const pending = Array.from({ length: 6 }, () => prometheus.instantQuery('up'));
    const shed = await Promise.allSettled(pending.slice(3));
    // One in flight, two waiting; the other three refused without waiting for the gate.
    expect(shed.map((outcome) => ((outcome as PromiseRejectedResult).reason as { kind: string }).kind)).toEqual(['overloaded', 'overloaded', 'overloaded']);
    openGate();
    expect((await Promise.all(pending.slice(0, 3))).map((samples) => samples.length)).toEqual([1, 1, 1]);
    expect(prometheus.requestCount).toBe(3);
  });

  it('holds at most its byte budget of answers at once, all requests together, and drops what would pass it', async () => {
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const prometheus = client('halves', { maxInFlight: 4, maxResponseBytes: 1 << 20, maxBytesInFlight: 512 * 1024, timeoutMs: 5_000 });
    let settled = 0;
    const pending = Array.from({ length: 4 }, () => prometheus.instantQuery('up'));
    // Handled from the start: an answer may be dropped while the loop below still waits.
    const settling = Promise.allSettled(pending.map((query) => query.finally(() => settled++)));
    // Until the first halves have arrived (800 KB wanted, 512 KB allowed: the budget is full and some answer
    // was dropped), bounded; then the rest.
    for (let wait = 0; wait < 200 && (prometheus.peakBytesInFlight < 400_000 || settled === 0); wait++) await new Promise((resolve) => setTimeout(resolve, 25));
    openGate();
    const outcomes = await settling;
    const dropped = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => ((outcome as PromiseRejectedResult).reason as { kind: string }).kind);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    expect(dropped.every((kind) => kind === 'overloaded')).toBe(true);
    // A dropped answer gives its bytes back, so at least one (300 KB) fits and is answered.
    expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(prometheus.peakBytesInFlight).toBeGreaterThan(0);
    expect(prometheus.peakBytesInFlight).toBeLessThanOrEqual(512 * 1024);
  });

  it('keeps at most maxInFlight requests in flight', async () => {
    maxInFlight = 0;
    const prometheus = client('held', { maxInFlight: 3 });
    await Promise.all(Array.from({ length: 12 }, () => prometheus.instantQuery('up')));
    expect(maxInFlight).toBe(3);
  });
});

describe('PrometheusClient range queries', () => {
  it('rejects a vector where a matrix is due as an unexpected shape', async () => {
    const error = await failure(client('ok').rangeQuery('up', { startMs: 0, endMs: 60_000 }, 15_000));
    expect(error.kind).toBe('invalid-response');
    expect(lastBody).toContain('step=15');
  });
});

describe('goDurationMs', () => {
  it.each([
    ['15s', 15_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h0m0s', 3_600_000],
    ['', null],
    ['15', null],
    ['1x', null],
  ] as const)('%j -> %s', (text, ms) => {
    expect(goDurationMs(text)).toBe(ms);
  });
});
