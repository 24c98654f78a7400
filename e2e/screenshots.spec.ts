import { expect, test, type Page } from '@playwright/test';
import { NodePage } from './pages/node-page';

/**
 * The README's screenshots at a desktop's 1440 px and a phone's 390 px, taken from the demo; at 390 px the
 * node page and the explainer must fit the screen's width (nothing wider than the viewport but what scrolls
 * in its own box: the timeline's chart, a table).
 */

const EXPLAIN = `/explain?${new URLSearchParams({ query: 'sum(rate(container_cpu_usage_seconds_total{node="$node", image!=""}[$__rate_interval])) by (pod)', node: 'lab-cadvisor' })}`;

/**
 * How much wider than the viewport the page itself is (0: it fits). The offenders are printed: the
 * innermost boxes past the edge, and the innermost whose text runs out of them (a long unbreakable word
 * widens the page without widening any box).
 */
async function overflow(page: Page): Promise<number> {
  const { excess, offenders } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const all = [...document.querySelectorAll<HTMLElement>('body *')];
    const innermost = (matches: (element: HTMLElement) => boolean) => all.filter((element) => matches(element) && ![...element.children].some((child) => matches(child as HTMLElement)));
    const wide = innermost((element) => element.getBoundingClientRect().right > width + 1).map((element) => `${element.tagName.toLowerCase()}.${element.className} (${Math.round(element.getBoundingClientRect().right)} px)`);
    const spilling = innermost((element) => element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX === 'visible').map((element) => `${element.tagName.toLowerCase()}.${element.className} (text ${element.scrollWidth} px in ${element.clientWidth} px)`);
    return { excess: document.documentElement.scrollWidth - width, offenders: [...wide, ...spilling].slice(0, 6) };
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
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `docs/screenshots/explain-${width}.png`, fullPage: true });
    });
  });
}
