import { expect, test, type Page } from '@playwright/test';
import { NodePage } from './pages/node-page';

/**
 * The README's screenshots at a desktop's 1440 px and a phone's 390 px, taken from the demo; at 390 px the
 * node page must fit the screen's width (nothing wider than the viewport but what scrolls in its own box:
 * the timeline's chart). The explainer is still 30 px too wide there: its width is printed, not asserted.
 */

const EXPLAIN = `/explain?${new URLSearchParams({ query: 'sum(rate(container_cpu_usage_seconds_total{node="$node", image!=""}[$__rate_interval])) by (pod)', node: 'lab-cadvisor' })}`;

/** How much wider than the viewport the page itself is (0: it fits); the widest offenders are printed. */
async function overflow(page: Page): Promise<number> {
  const { excess, offenders } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > width + 1)
      .filter((element) => ![...element.children].some((child) => child.getBoundingClientRect().right > width + 1))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className} (${Math.round(element.getBoundingClientRect().right)} px)`);
    return { excess: document.documentElement.scrollWidth - width, offenders: wide };
  });
  if (excess > 0) console.log(`${page.url()}: ${excess} px too wide: ${offenders.join('; ')}`);
  return excess;
}

for (const width of [1440, 390] as const) {
  test.describe(`${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });

    test('the fleet', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByTestId('matrix-summary')).toBeVisible();
      await page.screenshot({ path: `docs/screenshots/fleet-${width}.png`, fullPage: true });
    });

    test('a node page', async ({ page }) => {
      const nodePage = new NodePage(page);
      await nodePage.open('lab-cadvisor');
      await nodePage.waitUntilSourcesAnswer();
      await expect(nodePage.timeline.locator('.recharts-surface')).toBeVisible();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `docs/screenshots/node-${width}.png`, fullPage: true });
    });

    test('the explainer', async ({ page }) => {
      await page.goto(EXPLAIN);
      await expect(page.getByTestId('explain-summary')).toBeVisible({ timeout: 30_000 });
      await overflow(page);
      await page.screenshot({ path: `docs/screenshots/explain-${width}.png`, fullPage: true });
    });
  });
}
