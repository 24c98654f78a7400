import { expect, test } from '@playwright/test';
import { apiErrorSchema } from '../lib/contract/error';
import { fleetInvestigationSchema } from '../lib/contract/fleet';
import { healthSchema } from '../lib/contract/health';
import { nodeInvestigationSchema } from '../lib/contract/investigation';
import { nodeTimelineSchema } from '../lib/contract/timeline';

/** Every answer of the HTTP API has the contract's shape, the errors included. */

test('every API answer validates against the shared schemas', async ({ request }) => {
  const answers = [
    ['/api/healthz', healthSchema],
    ['/api/v1/nodes', fleetInvestigationSchema],
    ['/api/v1/nodes/lab-volumes/findings', nodeInvestigationSchema],
    ['/api/v1/nodes/lab-volumes/timeline?from=now-1h', nodeTimelineSchema],
  ] as const;
  for (const [path, schema] of answers) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const body: unknown = await response.json();
    expect(schema.safeParse(body).error, path).toBeUndefined();
  }
});

test('a malformed percent-encoding is a 400 in the JSON error shape for the API, and a 400 page elsewhere', async ({ request }) => {
  for (const path of ['/api/v1/nodes/%FF/findings', '/api/v1/nodes/%FF/timeline', '/api/v1/nodes/lab-%E0%A4/findings']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(400);
    expect(response.headers()['content-type'], path).toContain('application/json');
    const body = apiErrorSchema.parse(await response.json());
    expect(body.error.code).toBe('bad-request');
    expect(body.error.message).toMatch(/malformed percent-encoding/);
  }
  for (const path of ['/nodes/%FF', '/embed/nodes/%FF/findings']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(400);
    expect(response.headers()['content-type'], path).toContain('text/html');
    expect(await response.text()).toContain('Bad request');
  }
});

test('every API error is the JSON error shape with its status', async ({ request }) => {
  for (const [path, status, code] of [
    ['/api/v1/nodes/no-such-node/findings', 404, 'unknown-node'],
    ['/api/v1/nodes/no-such-node/timeline', 404, 'unknown-node'],
    ['/api/v1/nodes/Not_A_Node/findings', 400, 'bad-request'],
    ['/api/v1/nodes/lab-healthy/findings?to=tomorrow', 400, 'bad-request'],
  ] as const) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(status);
    expect(apiErrorSchema.parse(await response.json()).error.code, path).toBe(code);
  }
});
