import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEAD_PROMETHEUS_URL, LAB_URL } from '../playwright.config';

/**
 * Accessibility, measured: axe-core on every page and embed of the demo, and on the error and not-found
 * states, in both themes (the dashboard's theme cookie, an embed's ?theme=). No serious or critical
 * violation may remain; lesser ones are printed.
 */

const EXPLAIN = `/explain?${new URLSearchParams({ query: 'container_cpu_usage_seconds_total{image!="", node="$node"}', node: 'lab-cadvisor' })}`;

const DASHBOARD_PAGES = ['/', '/nodes/lab-unauthorized', '/nodes/lab-cadvisor', EXPLAIN, '/explain', '/nodes/no-such-node'];
const EMBEDS = ['/embed/fleet', '/embed/nodes/lab-unauthorized/findings', '/embed/nodes/lab-cadvisor/timeline', `/embed${EXPLAIN}`];

async function serious(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  for (const violation of results.violations.filter((entry) => entry.impact !== 'serious' && entry.impact !== 'critical')) {
    console.log(`axe (${violation.impact}) ${page.url()}: ${violation.id}: ${violation.help}`);
  }
  return results.violations
    .filter((entry) => entry.impact === 'serious' || entry.impact === 'critical')
    .map((entry) => `${entry.id} (${entry.impact}): ${entry.help}; ${entry.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ')}`);
}

/** Waits for the page's streamed parts (findings, timeline, explanation) before it is checked. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.beforeEach(async ({ context }) => {
      await context.addCookies([{ name: 'gapscope-theme', value: theme, url: LAB_URL }]);
    });

    for (const path of DASHBOARD_PAGES) {
      test(`${path}: no serious or critical violation`, async ({ page }) => {
        await page.goto(path);
        await settled(page);
        await expect(page.locator('[data-theme-root]')).toHaveAttribute('data-theme', theme);
        expect(await serious(page)).toEqual([]);
      });
    }

    for (const path of EMBEDS) {
      test(`${path} embedded: no serious or critical violation`, async ({ page }) => {
        await page.goto(`${path}${path.includes('?') ? '&' : '?'}theme=${theme}`);
        await settled(page);
        await expect(page.getByTestId('embed')).toHaveAttribute('data-theme', theme);
        expect(await serious(page)).toEqual([]);
      });
    }

    test('a page whose Prometheus is down: no serious or critical violation', async ({ page, context }) => {
      await context.addCookies([{ name: 'gapscope-theme', value: theme, url: DEAD_PROMETHEUS_URL }]);
      await page.goto(`${DEAD_PROMETHEUS_URL}/`);
      await settled(page);
      await expect(page.getByTestId('fleet-unavailable')).toBeVisible();
      expect(await serious(page)).toEqual([]);
    });
  });
}
