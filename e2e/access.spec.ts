import { expect, test } from '@playwright/test';
import { ACCESS_CONTROL, LAB_URL } from '../playwright.config';

const PATHS = ['/', '/nodes/lab-healthy', '/embed/nodes/lab-healthy/findings', '/api/v1/nodes', '/api/v1/nodes/lab-healthy/findings'];
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

test('access control is off by default: the lab instance answers without credentials', async ({ request }) => {
  expect((await request.get(`${LAB_URL}/api/v1/nodes`)).status()).toBe(200);
});

test('with GAPSCOPE_WEB_CONFIG_FILE every page and API answer asks for credentials, except the health check', async ({ request }) => {
  for (const path of PATHS) {
    const response = await request.get(`${ACCESS_CONTROL.url}${path}`, { maxRedirects: 0 });
    expect(response.status(), path).toBe(401);
    expect(response.headers()['www-authenticate'], path).toBe('Basic realm="gapscope", charset="UTF-8"');
  }
  const api = await request.get(`${ACCESS_CONTROL.url}/api/v1/nodes`);
  expect(await api.json()).toEqual({ error: { code: 'unauthorized', message: 'sign in: gapscope asks for a user and password' } });
  const wrong = await request.get(`${ACCESS_CONTROL.url}/api/v1/nodes`, { headers: basic(ACCESS_CONTROL.user, `${ACCESS_CONTROL.password}x`) });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).error.message).toBe('the user or password is wrong');
  // Probes need no credentials.
  expect((await request.get(`${ACCESS_CONTROL.url}/api/healthz`)).status()).not.toBe(401);
  // The right user gets the API's answer (here: Prometheus is unreachable, said in its sources).
  const granted = await request.get(`${ACCESS_CONTROL.url}/api/v1/nodes`, { headers: basic(ACCESS_CONTROL.user, ACCESS_CONTROL.password) });
  expect(granted.status()).toBe(200);
  expect((await granted.json()).sources[0]).toMatchObject({ ok: false, kind: 'unreachable' });
});

test('a browser that signs in sees the pages', async ({ browser }) => {
  const context = await browser.newContext({ httpCredentials: { username: ACCESS_CONTROL.user, password: ACCESS_CONTROL.password } });
  try {
    const page = await context.newPage();
    const response = await page.goto(`${ACCESS_CONTROL.url}/`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Fleet' })).toBeVisible();
  } finally {
    await context.close();
  }
});
