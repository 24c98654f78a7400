import { createServer, type Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { ALLOWED_FRAME_ANCESTOR, LAB_URL } from '../playwright.config';

/**
 * Embeds framed by a host page on another origin, as Grafana would frame them. The host pages come from a
 * tiny server on loopback addresses (a page Playwright fulfils itself counts as a public origin, and
 * Chromium then blocks its requests to loopback before any CSP is consulted).
 */
const REFUSED_FRAME_ANCESTOR = 'http://127.0.0.3:3111';
const hosts: Server[] = [];

test.beforeAll(async () => {
  for (const origin of [ALLOWED_FRAME_ANCESTOR, REFUSED_FRAME_ANCESTOR]) {
    const { hostname, port } = new URL(origin);
    const server = createServer((request, response) => {
      const embed = new URL(request.url ?? '/', origin).searchParams.get('embed') ?? '';
      response.writeHead(/^\/(embed|nodes)\//.test(embed) ? 200 : 400, { 'Content-Type': 'text/html' });
      response.end(`<!doctype html><title>host</title><h1>Grafana stand-in</h1><iframe id="panel" src="${LAB_URL}${embed}" width="1200" height="700"></iframe>`);
    });
    await new Promise<void>((listening) => server.listen(Number(port), hostname, listening));
    hosts.push(server);
  }
});

test.afterAll(async () => {
  await Promise.all(hosts.map((server) => new Promise((closed) => server.close(closed))));
});

/** Opens the host page on `origin` framing `embedPath`; resolves with the frame once it navigated. */
async function hostPage(page: Page, origin: string, embedPath: string) {
  const framed = page.waitForEvent('framenavigated', (frame) => frame.parentFrame() !== null);
  await page.goto(`${origin}/dashboard?embed=${encodeURIComponent(embedPath)}`);
  return framed;
}

test('a host page in the allowlist frames the node findings embed, in the theme it asks for', async ({ page }) => {
  const embed = page.frameLocator('#panel');
  // Right after the demo starts, the exporter may not be scraped yet: reload the host page until it is.
  await expect(async () => {
    await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/embed/nodes/lab-deverror/findings?theme=dark&from=now-1h&to=now');
    await expect(embed.locator('[data-testid="finding-card"][data-kind="fs-device-error"]')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000, intervals: [1_000] });
  await expect(embed.getByTestId('embed')).toHaveAttribute('data-theme', 'dark');
  // Chrome-less: no dashboard header inside the frame.
  await expect(embed.locator('header.chrome')).toHaveCount(0);
});

test('a host page in the allowlist frames the timeline and fleet embeds', async ({ page }) => {
  await page.setViewportSize({ width: 1260, height: 820 });
  await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/embed/nodes/lab-cadvisor/timeline?theme=dark&from=now-6h&to=now');
  await expect(page.frameLocator('#panel').locator('[data-testid="explanation"][data-lane="cadvisor-labels:container cgroups"]')).toContainText('after the kubelet restarted', { timeout: 30_000 });
  await expect(page.frameLocator('#panel').getByTestId('embed')).toHaveAttribute('data-theme', 'dark');
  // The theme is applied, not only asked for: the embed's background is the dark palette's.
  await expect(page.frameLocator('#panel').getByTestId('embed')).toHaveCSS('background-color', 'rgb(15, 18, 22)');
  await expect(page.frameLocator('#panel').locator('.recharts-surface')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/embed.png' });
  // Early in the run the exporter may not be scraped yet, and the fleet snapshot lives 5 s: reload until it is.
  await expect(async () => {
    await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/embed/fleet?family=device-error');
    await expect(page.frameLocator('#panel').getByTestId('fleet-row')).toHaveCount(1, { timeout: 3_000 });
  }).toPass({ timeout: 60_000, intervals: [1_000] });
  await expect(page.frameLocator('#panel').getByTestId('fleet-row')).toHaveAttribute('data-node', 'lab-deverror');
});

test('a host page outside the allowlist is refused by the browser, for its CSP', async ({ page }) => {
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  const frame = await hostPage(page, REFUSED_FRAME_ANCESTOR, '/embed/nodes/lab-deverror/findings');
  await expect(page.getByRole('heading', { name: 'Grafana stand-in' })).toBeVisible();
  // Chromium replaces a frame refused by frame-ancestors with its own error page, and says why.
  await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
  await expect.poll(() => messages.join('\n')).toMatch(/Framing .* violates the following Content Security Policy directive: "frame-ancestors 'self' http:\/\/127\.0\.0\.2:3111"/);
  await expect(page.frameLocator('#panel').getByTestId('embed')).toHaveCount(0);
});

test('embeds allow the configured origins; dashboard pages only gapscope itself', async ({ request }) => {
  const embed = await request.get('/embed/nodes/lab-healthy/findings');
  expect(embed.headers()['content-security-policy']).toBe(`frame-ancestors 'self' ${ALLOWED_FRAME_ANCESTOR}`);
  const dashboard = await request.get('/nodes/lab-healthy');
  expect(dashboard.headers()['content-security-policy']).toBe("frame-ancestors 'self'");
});

test('a dashboard page cannot be framed even by an allowed origin', async ({ page }) => {
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  const frame = await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/nodes/lab-healthy');
  await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
  await expect.poll(() => messages.join('\n')).toMatch(/Framing .* violates the following Content Security Policy directive: "frame-ancestors 'self'"/);
});
