import { expect, test } from '@playwright/test';
import { DEAD_PROMETHEUS_URL } from '../playwright.config';

test('GET /api/v1/nodes/{node}/findings explains the planted device error', async ({ request }) => {
  // Right after the demo starts, Prometheus may not have discovered and scraped every target yet.
  let body: { node: string; found: boolean; findings: { kind: string; cause: string; subject: string }[]; sources: { ok: boolean }[] } | undefined;
  await expect(async () => {
    const response = await request.get('/api/v1/nodes/lab-deverror/findings');
    expect(response.status()).toBe(200);
    body = await response.json();
    expect(body!.sources.every((source) => source.ok)).toBe(true);
  }).toPass({ timeout: 60_000, intervals: [1_000] });
  expect(body).toMatchObject({ node: 'lab-deverror', found: true });
  expect(body!.findings.map((finding) => [finding.kind, finding.cause, finding.subject])).toEqual([['fs-device-error', 'permission-denied', '/root/data']]);
});

test('GET /api/v1/nodes/{node}/findings answers 404 for a node not in the inventory and 400 for a bad name', async ({ request }) => {
  const unknown = await request.get('/api/v1/nodes/no-such-node/findings');
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toEqual({ error: { code: 'unknown-node', message: 'node "no-such-node" is not in the inventory (no kube_node_info series names it)' } });
  const bad = await request.get('/api/v1/nodes/Not_A_Node/findings');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe('bad-request');
});

test('GET /api/v1/nodes/{node}/findings takes from and to in Grafana syntax, and refuses bad ones with 400', async ({ request }) => {
  const past = await request.get('/api/v1/nodes/lab-rootsized/findings?from=now-6h&to=now-4h');
  expect(past.status()).toBe(200);
  const body = await past.json();
  expect(body.range).toMatchObject({ from: 'now-6h', to: 'now-4h' });
  expect(body.range.endMs - body.range.startMs).toBe(2 * 3_600_000);
  expect(body.evaluatedAt).toBe(new Date(body.range.endMs).toISOString());
  // Four hours ago lab-rootsized ran Docker and its PV mounts were its own: no fault, only the chart's
  // node-exporter excluding PV mounts, by design.
  expect(body.findings.map((finding: { kind: string; expectedByDesign: boolean }) => [finding.kind, finding.expectedByDesign])).toEqual([['fs-pv-mounts-excluded', true]]);
  for (const [query, message] of [
    ['from=yesterday', /from: expected now, now-<n>/],
    ['from=now&to=now-1h', /must be before/],
    ['from=now-90d', /longer than 31 days/],
  ] as const) {
    const bad = await request.get(`/api/v1/nodes/lab-rootsized/findings?${query}`);
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.message).toMatch(message);
  }
});

test('GET /api/v1/nodes/{node}/findings still answers 200, with the failed source, when Prometheus is unreachable', async ({ request }) => {
  const response = await request.get(`${DEAD_PROMETHEUS_URL}/api/v1/nodes/lab-deverror/findings`);
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ found: null, findings: [] });
  expect(body.sources[0]).toMatchObject({ ok: false, kind: 'unreachable' });
});

test('GET /api/v1/nodes lists every node with its findings counted', async ({ request }) => {
  let body: { nodes: { name: string; worstSeverity: string | null; counts: { total: number } }[] } | undefined;
  await expect(async () => {
    body = await (await request.get('/api/v1/nodes')).json();
    // Three faults, and the PV mounts the chart's node-exporter excludes (by design).
    expect(body!.nodes.find((node) => node.name === 'lab-unauthorized')?.counts.total).toBe(4);
  }).toPass({ timeout: 60_000, intervals: [1_000] });
  expect(body!.nodes).toHaveLength(7);
  expect(Object.fromEntries(body!.nodes.map((node) => [node.name, node.worstSeverity]))).toEqual({
    'lab-cadvisor': 'critical',
    'lab-deverror': 'warning',
    'lab-healthy': null,
    'lab-rootsized': 'warning',
    'lab-unauthorized': 'critical',
    'lab-volumes': 'warning',
    'lab-wrongport': 'critical',
  });
});
