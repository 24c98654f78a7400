import { expect, test } from '@playwright/test';
import { nodeTimelineSchema } from '../lib/contract/timeline';
import { DEAD_PROMETHEUS_URL } from '../playwright.config';

test('GET /api/v1/nodes/{node}/timeline explains the planted story, in the shape the browser validates', async ({ request }) => {
  const response = await request.get('/api/v1/nodes/lab-rootsized/timeline?from=now-4h&to=now');
  expect(response.status()).toBe(200);
  const body = nodeTimelineSchema.parse(await response.json());
  expect(body).toMatchObject({ node: 'lab-rootsized', found: true, range: { from: 'now-4h', to: 'now' } });
  expect(body.timeline!.stepMs).toBe(45_000);
  const switched = body.timeline!.events.find((event) => event.kind === 'runtime-switch');
  expect(switched?.summary).toBe('runtime switched: docker://24.0.7 → containerd://1.7.27');
  expect(switched).toMatchObject({ component: 'runtime', fromVersion: 'docker://24.0.7', toVersion: 'containerd://1.7.27' });
  // Both claims' volume stats turned root-sized at the switch (the chart's node-exporter reports no PV mount).
  const rootSized = body.timeline!.explanations.filter((explanation) => explanation.laneId.startsWith('volume-stats:analytics/'));
  expect(rootSized.map((explanation) => explanation.eventIds)).toEqual([[switched!.id], [switched!.id]]);
});

test('GET /api/v1/nodes/{node}/timeline answers 404 for an unknown node and 400 for a bad name or range', async ({ request }) => {
  const unknown = await request.get('/api/v1/nodes/no-such-node/timeline');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe('unknown-node');
  for (const path of ['/api/v1/nodes/Not_A_Node/timeline', '/api/v1/nodes/lab-healthy/timeline?from=yesterday', '/api/v1/nodes/lab-healthy/timeline?from=now&to=now-1h', '/api/v1/nodes/lab-healthy/timeline?from=now-40d']) {
    const bad = await request.get(path);
    expect(bad.status(), path).toBe(400);
    expect((await bad.json()).error.code, path).toBe('bad-request');
  }
});

test('GET /api/v1/nodes/{node}/timeline still answers 200, with the failed source, when Prometheus is unreachable', async ({ request }) => {
  const response = await request.get(`${DEAD_PROMETHEUS_URL}/api/v1/nodes/lab-healthy/timeline`);
  expect(response.status()).toBe(200);
  const body = nodeTimelineSchema.parse(await response.json());
  expect(body).toMatchObject({ found: null, timeline: null });
  expect(body.sources[0]).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
});
