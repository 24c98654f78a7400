import { expect, test, type Page } from '@playwright/test';
import { ALLOWED_FRAME_ANCESTOR, LAB_URL } from '../playwright.config';

/**
 * Embeds framed by a host page on another origin, as Grafana would frame them. The host pages are served by
 * Playwright itself (page.route), so nothing listens on their addresses and no traffic leaves loopback.
 */
const REFUSED_FRAME_ANCESTOR = 'http://127.0.0.3:3111';

async function hostPage(page: Page, origin: string, embedPath: string) {
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>host</title><h1>Grafana stand-in</h1><iframe id="panel" src="${LAB_URL}${embedPath}" width="1200" height="700"></iframe>` }),
  );
  const loaded = page.waitForEvent('framenavigated', (frame) => frame.parentFrame() !== null);
  await page.goto(`${origin}/dashboard.html`);
  return loaded;
}

test('a host page in the allowlist frames the node findings embed, in the theme it asks for', async ({ page }) => {
  await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/embed/nodes/lab-deverror/findings?theme=dark&from=now-1h&to=now');
  const embed = page.frameLocator('#panel');
  await expect(embed.getByTestId('embed')).toHaveAttribute('data-theme', 'dark');
  await expect(embed.locator('[data-testid="finding-card"][data-kind="fs-device-error"]')).toBeVisible({ timeout: 30_000 });
  // Chrome-less: no dashboard header inside the frame.
  await expect(embed.locator('header.chrome')).toHaveCount(0);
});

test('a host page in the allowlist frames the timeline and fleet embeds', async ({ page }) => {
  await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/embed/nodes/lab-cadvisor/timeline?theme=light&from=now-6h&to=now');
  await expect(page.frameLocator('#panel').locator('[data-testid="explanation"][data-lane="empty-labels"]')).toContainText('after the kubelet restarted');
  await hostPage(page, ALLOWED_FRAME_ANCESTOR, '/embed/fleet?family=device-error');
  await expect(page.frameLocator('#panel').getByTestId('fleet-row')).toHaveCount(1);
  await expect(page.frameLocator('#panel').getByTestId('fleet-row')).toHaveAttribute('data-node', 'lab-deverror');
});

test('a host page outside the allowlist is refused by the browser', async ({ page }) => {
  const frame = await hostPage(page, REFUSED_FRAME_ANCESTOR, '/embed/nodes/lab-deverror/findings');
  await expect(page.getByRole('heading', { name: 'Grafana stand-in' })).toBeVisible();
  // Chromium replaces a frame refused by frame-ancestors with its own error page.
  await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
  await expect(page.frameLocator('#panel').getByTestId('embed')).toHaveCount(0);
});

test('embeds allow the configured origins; dashboard pages only gapscope itself', async ({ request }) => {
  const embed = await request.get('/embed/nodes/lab-healthy/findings');
  expect(embed.headers()['content-security-policy']).toBe(`frame-ancestors 'self' ${ALLOWED_FRAME_ANCESTOR}`);
  const dashboard = await request.get('/nodes/lab-healthy');
  expect(dashboard.headers()['content-security-policy']).toBe("frame-ancestors 'self'");
});

test('a dashboard page cannot be framed even by an allowed origin', async ({ page }) => {
  await page.route(`${ALLOWED_FRAME_ANCESTOR}/**`, (route) => route.fulfill({ contentType: 'text/html', body: `<iframe id="panel" src="${LAB_URL}/nodes/lab-healthy"></iframe>` }));
  const loaded = page.waitForEvent('framenavigated', (frame) => frame.parentFrame() !== null);
  await page.goto(`${ALLOWED_FRAME_ANCESTOR}/dashboard.html`);
  await expect.poll(async () => (await loaded).url()).toMatch(/^chrome-error:/);
});
