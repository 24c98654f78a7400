import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDashboard } from '@/lib/explain/dashboard';
import { ApiError } from '@/lib/http/api-error';
import { PrometheusClient } from '@/lib/prometheus/client';
import { resolveRange, type ResolvedRange } from '@/lib/time-range';
import { DASHBOARD_REQUEST_BUDGET, EXPLAIN_REQUEST_BUDGET, explainDashboard, explainOne, type ExplainDeps } from './explain';

/**
 * The explainer's cost and its failures against a real HTTP server standing in for Prometheus: requests are
 * counted where they arrive, never timed. Each path of the server behaves one way.
 */

let server: Server;
let base: string;
const received = new Map<string, number>();

const json = (response: ServerResponse, body: unknown) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
};

function handle(request: IncomingMessage, response: ServerResponse) {
  const [, behaviour] = request.url!.split('/');
  received.set(behaviour!, (received.get(behaviour!) ?? 0) + 1);
  if (behaviour === 'hang') return; // never answers: the client's timeout ends it
  if (behaviour === 'html') return response.end('<html><body>Sign in</body></html>');
  if (behaviour === 'reject') return json(response, { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected end of input' });
  // 'empty': every query selects nothing, and every metric existed once (so each ladder climbs further).
  if (request.url!.includes('/api/v1/labels')) return json(response, { status: 'success', data: ['__name__', 'job'] });
  json(response, { status: 'success', data: { resultType: 'vector', result: [] } });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const NOW = Date.now();
const range = resolveRange('now-1h', 'now', NOW) as ResolvedRange;
const deps = (behaviour: string): ExplainDeps => ({
  prometheus: new PrometheusClient({ baseUrl: `${base}/${behaviour}`, timeoutMs: 300, headers: {}, insecureSkipVerify: false, maxInFlight: 4, maxResponseBytes: 1 << 20 }),
  nodeContext: async () => {
    throw new Error('no node in these tests');
  },
});
const request = { range, requested: {} };
const MANY = Array.from({ length: 12 }, (_, i) => `metric_${i}{job="a", instance="b"}`).join(' + ');

describe('the request budget', () => {
  it(`one explanation sends at most ${EXPLAIN_REQUEST_BUDGET} requests, however many selectors are empty, and says what it left out`, async () => {
    received.clear();
    const explanation = await explainOne(deps('empty'), MANY, request);
    expect(received.get('empty')).toBe(explanation.requests);
    expect(explanation.requests).toBeLessThanOrEqual(EXPLAIN_REQUEST_BUDGET);
    expect(explanation.requests).toBeGreaterThan(EXPLAIN_REQUEST_BUDGET - 4);
    expect(explanation.incomplete).toMatch(/budget/);
    expect(explanation.selectors.filter((selector) => selector.verdict === 'metric-disappeared').length).toBeGreaterThan(2);
    expect(explanation.selectors.at(-1)!.verdict).toBe('not-explained');
  });

  it(`a dashboard sends at most ${DASHBOARD_REQUEST_BUDGET}, its panels counted twenty to a request`, async () => {
    received.clear();
    const panels = Array.from({ length: 60 }, (_, i) => ({ title: `p${i}`, targets: [{ refId: 'A', expr: `metric_${i}{job="$job"} / other_${i}` }] }));
    const dashboard = readDashboard({ title: 'many', panels, templating: { list: [{ name: 'job', type: 'query', query: 'label_values(up, job)' }] } });
    const result = await explainDashboard(deps('empty'), dashboard, request);
    expect(received.get('empty')).toBe(result.requests);
    expect(result.requests).toBeLessThanOrEqual(DASHBOARD_REQUEST_BUDGET);
    expect(result.total).toBe(60);
    expect(result.empty).toBe(60);
    expect([result.emptyPanels, result.totalPanels]).toEqual([60, 60]);
    expect(result.incomplete).toMatch(/budget/);
    expect(result.panels.filter((panel) => panel.explanation).length).toBeGreaterThan(3);
  });
});

describe('a failing Prometheus degrades the answer, it never fails the request', () => {
  it('a timeout is a failed source with the explanation left incomplete (one request, not retried)', async () => {
    received.clear();
    const explanation = await explainOne(deps('hang'), 'up{job="x"}', request);
    expect(received.get('hang')).toBe(1);
    expect(explanation.incomplete).toMatch(/Prometheus failed/);
    expect(explanation.sources.find((source) => !source.ok)).toMatchObject({ kind: 'timeout' });
    expect(explanation.selectors).toEqual([]);
  });

  it('an HTML answer (a login page in between) is named as such', async () => {
    const explanation = await explainOne(deps('html'), 'up{job="x"}', request);
    expect(explanation.sources.find((source) => !source.ok)).toMatchObject({ kind: 'not-json' });
  });

  it("a query Prometheus rejects is the caller's error: a 400 with Prometheus' words", async () => {
    const attempt = explainOne(deps('reject'), 'up{job="x"}', request);
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toThrow(/Prometheus rejected the query: .*parse error/);
  });
});

describe('requests refused before Prometheus is asked', () => {
  it.each([
    ['up{job="$job"}', /\$job.*var-job=/],
    ['sum(up', /does not parse/],
    ['1 + 1', /selects no series/],
  ])('%s', async (query, message) => {
    received.clear();
    await expect(explainOne(deps('empty'), query, request)).rejects.toThrow(message);
    expect(received.size).toBe(0);
  });
});
