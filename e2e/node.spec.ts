import { expect, test } from '@playwright/test';
import { NodePage } from './pages/node-page';

/** Every planted fault of the default scenario: the card, its cause, and a piece of its evidence. */
const PLANTED = [
  ['lab-cadvisor', 'cadvisor-labels-empty', 'runtime-started-after-kubelet', 'container_cpu_usage_seconds_total'],
  ['lab-rootsized', 'fs-root-sized', 'mount-propagation', 'node_filesystem_size_bytes'],
  ['lab-rootsized', 'pvc-stats-wrong', 'root-filesystem-measured', 'kubelet_volume_stats_capacity_bytes'],
  ['lab-deverror', 'fs-device-error', 'permission-denied', 'mountpoint="/root/data"'],
  ['lab-unauthorized', 'target-down', 'unauthorized', 'server returned HTTP status 401 Unauthorized'],
  ['lab-unauthorized', 'pvc-stats-missing', 'kubelet-not-scraped', 'shop/orders-db'],
  ['lab-wrongport', 'target-down', 'wrong-port', 'server returned HTTP status 400 Bad Request'],
  ['lab-volumes', 'pvc-stats-missing', 'csi-without-volume-stats', 'nfs.csi.k8s.io'],
] as const;

for (const [node, kind, cause, evidence] of PLANTED) {
  test(`${node} shows ${kind} (${cause}) with its evidence`, async ({ page }) => {
    const nodePage = new NodePage(page);
    await nodePage.open(node);
    if (kind !== 'target-down' && cause !== 'kubelet-not-scraped') await nodePage.waitUntilSourcesAnswer();
    const card = nodePage.card(kind, cause).first();
    await expect(card).toBeVisible({ timeout: 60_000 });
    await expect(card.getByTestId('evidence')).toContainText(evidence);
    await expect(card.getByRole('heading', { level: 3 })).not.toBeEmpty();
  });
}

test('expected-by-design findings stand apart from faults', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-volumes');
  await nodePage.waitUntilSourcesAnswer();
  await expect(nodePage.faults).toHaveCount(1);
  await expect(nodePage.expectedByDesign).toHaveCount(2);
  await expect(nodePage.expectedByDesign.filter({ hasText: 'tools/hostpath-cache' })).toHaveAttribute('data-cause', 'plugin-without-metrics');
});

test('the healthy node has no fault, and the fleet links to node pages', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'lab-healthy' }).click();
  await expect(page.getByTestId('node-name')).toHaveText('lab-healthy');
  await new NodePage(page).waitUntilSourcesAnswer();
  await expect(page.getByTestId('no-faults')).toHaveText('No fault found on this node.');
});

test('a fix snippet is copyable', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const nodePage = new NodePage(page);
  await nodePage.open('lab-unauthorized');
  const card = nodePage.card('target-down', 'unauthorized').first();
  await card.getByTestId('copy-snippet').click();
  await expect(card.getByTestId('copy-snippet')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('webhook:');
});

test('an unknown node gets the not-found page, not a crash', async ({ page }) => {
  // The loading boundary streams the shell (status 200) before the inventory answers; Next.js then renders
  // not-found.tsx and marks the page noindex. The API says 404 (e2e/findings-api.spec.ts).
  await page.goto('/nodes/no-such-node');
  await expect(page.getByTestId('node-not-found')).toBeVisible();
  await expect(page.locator('meta[name="robots"]').first()).toHaveAttribute('content', /noindex/);
  await page.goto('/nodes/Not_A_Node');
  await expect(page.getByTestId('node-not-found')).toBeVisible();
});

test('screenshot of a node page for the README', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-cadvisor');
  await nodePage.waitUntilSourcesAnswer();
  await expect(nodePage.card('cadvisor-labels-empty', 'runtime-started-after-kubelet')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/node.png', fullPage: true });
});
