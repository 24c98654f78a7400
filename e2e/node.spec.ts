import { expect, test } from '@playwright/test';
import { NodePage } from './pages/node-page';

/**
 * Every planted fault of the default scenario: the card, its cause, a piece of its evidence, and what the
 * timeline says about how it began: [lane id prefix, explanation, event kind shown (or null)].
 */
const PLANTED = [
  // The demo runs the kube-prometheus profile: the chart drops the unlabelled series and the systemd units'
  // ones, so the evidence is the kubelet's own lines, and the timeline reads containerd's start from it too.
  ['lab-cadvisor', 'cadvisor-labels-empty', 'runtime-started-after-kubelet', 'image="",name="",namespace="",pod=""', ['cadvisor-labels:container cgroups', /after the kubelet restarted at .*while the runtime \(containerd\) only started at/, 'restart']],
  // The chart's node-exporter excludes PV mounts: lab-rootsized's show in the kubelet's volume stats only.
  ['lab-rootsized', 'pvc-stats-wrong', 'root-filesystem-measured', 'kubelet_volume_stats_capacity_bytes', ['volume-stats:analytics/warehouse', /^.* UTC Since the runtime switched from docker:\/\/24\.0\.7 to containerd:\/\/1\.7\.27 .*root-filesystem-measured/, 'runtime-switch']],
  ['lab-deverror', 'fs-device-error', 'permission-denied', 'mountpoint="/root/data"', ['device-error:/root/data', /after node-exporter restarted at/, 'restart']],
  ['lab-unauthorized', 'target-down', 'unauthorized', 'server returned HTTP status 401 Unauthorized', ['scrape:kubelet', /a restart that broke the scrape itself cannot be seen from Prometheus/, null]],
  ['lab-unauthorized', 'pvc-stats-missing', 'kubelet-not-scraped', 'shop/orders-db', ['volume-stats:shop/orders-db', /moved from lab-volumes to lab-unauthorized at .*kubelet target is down/, 'pod-move']],
  ['lab-wrongport', 'target-down', 'wrong-port', 'server returned HTTP status 400 Bad Request', ['scrape:node-exporter', /with no restart or version change seen on the node/, null]],
  ['lab-volumes', 'pvc-stats-missing', 'csi-without-volume-stats', 'nfs.csi.k8s.io', ['volume-stats:ml/scratch', /Already missing or wrong when the range begins/, null]],
] as const;

for (const [node, kind, cause, evidence, [lane, explanation, event]] of PLANTED) {
  test(`${node} shows ${kind} (${cause}) with its evidence, and the timeline tells how it began`, async ({ page }) => {
    const nodePage = new NodePage(page);
    await nodePage.open(node);
    if (kind !== 'target-down' && cause !== 'kubelet-not-scraped') await nodePage.waitUntilSourcesAnswer();
    const card = nodePage.card(kind, cause).first();
    await expect(card).toBeVisible({ timeout: 60_000 });
    await expect(card.getByTestId('evidence')).toContainText(evidence);
    await expect(card.getByRole('heading', { level: 3 })).not.toBeEmpty();
    await expect(nodePage.timeline.locator('.recharts-surface')).toBeVisible();
    await expect(nodePage.explanations(lane).first()).toHaveText(explanation);
    if (event) await expect(nodePage.events(event).first()).toBeVisible();
  });
}

test("lab-cadvisor's card counts its containers at each layer, and names the rule that drops them", async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-cadvisor');
  await nodePage.waitUntilSourcesAnswer();
  await expect(nodePage.layers.getByTestId('layer-expected')).toContainText('3 running');
  await expect(nodePage.layers.getByTestId('layer-source')).toContainText('5 container cgroups: 0 labelled, 5 without pod labels');
  await expect(nodePage.layers.getByTestId('layer-stored')).toContainText('0 of 3 with their pod and name');
  const missing = nodePage.layers.getByTestId('layer-missing').locator('li');
  await expect(missing).toHaveCount(1);
  await expect(missing).toHaveAttribute('data-reason', 'empty-labels');
  await expect(missing).toContainText("3 at the kubelet without pod labels (source layer), dropped by #8 drop [id, pod] regex '.+;' of serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1");
});

test("a healthy node's card: every running container at the source and stored", async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-healthy');
  await nodePage.waitUntilSourcesAnswer();
  await expect(nodePage.layers.getByTestId('layer-source')).toContainText('4 container cgroups: 4 labelled, 0 without pod labels');
  await expect(nodePage.layers.getByTestId('layer-stored')).toContainText('2 of 2 with their pod and name');
  await expect(nodePage.layers.getByTestId('layer-missing')).toHaveCount(0);
});

test('a shared link opens the same node, range and focused finding in a fresh browser', async ({ page, context, browser }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const nodePage = new NodePage(page);
  await nodePage.open('lab-deverror', '?from=now-3h&to=now');
  await nodePage.waitUntilSourcesAnswer();
  const card = nodePage.card('fs-device-error', 'permission-denied');
  await card.getByTestId('finding-link').click();
  await expect(page).toHaveURL(/[?&]finding=fs-device-error%3A%2Froot%2Fdata/);
  await expect(card).toHaveAttribute('data-selected', 'true');
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link')).toHaveText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('from=now-3h');

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(other.getByTestId('node-name')).toHaveText('lab-deverror');
    await expect(other.getByTestId('range-from')).toHaveValue('now-3h');
    await expect(other.locator('[data-testid="finding-card"][data-kind="fs-device-error"]')).toHaveAttribute('data-selected', 'true');
    await expect(other.getByTestId('timeline')).toContainText('one step every 30 s');
  } finally {
    await fresh.close();
  }
});

test('freeze range turns now-relative ends into epoch milliseconds, keeping the focused finding', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-rootsized', '?from=now-1h&to=now&finding=fs-root-sized%3Aanything');
  const before = Date.now();
  await page.getByTestId('freeze-range').click();
  await expect(page).toHaveURL(/from=\d{13}&to=\d{13}&finding=fs-root-sized%3Aanything/);
  const url = new URL(page.url());
  const [from, to] = [Number(url.searchParams.get('from')), Number(url.searchParams.get('to'))];
  expect(to - from).toBe(3_600_000);
  expect(Math.abs(to - before)).toBeLessThan(60_000);
  await expect(page.getByTestId('range-frozen')).toBeVisible();
});

test('a malformed range is explained and the default range shown', async ({ page }) => {
  await new NodePage(page).open('lab-healthy', '?from=yesterday');
  await expect(page.getByTestId('range-error')).toContainText('from "yesterday": expected now, now-<n><s|m|h|d|w>');
  await expect(page.getByTestId('range-from')).toHaveValue('now-6h');
});

test('expected-by-design findings stand apart from faults', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-volumes');
  await nodePage.waitUntilSourcesAnswer();
  await expect(nodePage.faults).toHaveCount(1);
  // Two claims without stats by design, and the PV mounts the chart's node-exporter excludes.
  await expect(nodePage.expectedByDesign).toHaveCount(3);
  await expect(nodePage.expectedByDesign.filter({ hasText: 'tools/hostpath-cache' })).toHaveAttribute('data-cause', 'plugin-without-metrics');
  await expect(nodePage.expectedByDesign.filter({ hasText: 'PV mounts' })).toHaveAttribute('data-cause', 'mount-points-exclude');
  // Their timeline lanes say so too, in their own colour with a legend entry: not red gaps.
  await expect(nodePage.lane('volume-stats:tools/hostpath-cache')).toHaveAttribute('data-state', 'by-design');
  await expect(nodePage.lane('volume-stats:backup/nightly-scratch')).toHaveAttribute('data-state', 'by-design');
  await expect(nodePage.lane('volume-stats:ml/scratch')).toHaveAttribute('data-state', 'gap');
  await expect(nodePage.timeline.locator('[data-testid="legend-state"][data-state="by-design"]')).toHaveText('absent by design');
  await expect(nodePage.timeline.locator('.recharts-rectangle[fill="#6e7eb8"]').first()).toBeVisible();
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

test('an unknown node gets a real 404 page and a bad name a 400, while known nodes still stream', async ({ page }) => {
  // The node is checked before the page streams, so the status is the truth, as the API's is.
  for (const path of ['/nodes/no-such-node', '/embed/nodes/no-such-node/findings', '/embed/nodes/no-such-node/timeline']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByTestId('node-not-found'), path).toBeVisible();
  }
  for (const path of ['/nodes/Not_A_Node', '/nodes/LAB-HEALTHY', '/embed/nodes/lab_healthy/findings']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(400);
    await expect(page.getByRole('heading', { name: 'Bad request' }), path).toBeVisible();
  }
  const known = await page.goto('/nodes/lab-healthy');
  expect(known?.status()).toBe(200);
  await expect(page.getByTestId('node-name')).toHaveText('lab-healthy');
});

test('the node page opens with its summary: faults by family, with their causes, before the cards', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-unauthorized');
  const summary = page.getByTestId('node-summary');
  await expect(summary).toBeVisible();
  await expect(summary.locator('li[data-family="scrape"]')).toContainText('target-down (unauthorized)');
  await expect(summary.locator('li[data-family="scrape"]')).toHaveAttribute('data-faults', '2');
  // It comes before the first card.
  const [summaryBox, cardBox] = await Promise.all([summary.boundingBox(), page.getByTestId('finding-card').first().boundingBox()]);
  expect(summaryBox!.y).toBeLessThan(cardBox!.y);
  await nodePage.open('lab-healthy');
  await expect(page.getByTestId('node-summary')).toHaveAttribute('data-faults', '0');
});

test("the summary names the event that explains most; it and the timeline's markers link to the events list", async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-cadvisor');
  await nodePage.waitUntilSourcesAnswer();
  const key = page.getByTestId('node-summary').getByTestId('key-event');
  // The containers lost their labels after the kubelet restarted (the runtime's later start is named second).
  await expect(key).toHaveAttribute('data-event', /^restart:kubelet:/);
  await expect(key).toContainText(/^Since \d\d:\d\d UTC: .*\(event \d+\), which explains \d+ of \d+ gaps? on the timeline\.$/);
  await key.getByRole('link').click();
  await expect(page).toHaveURL(/#event-restart-kubelet-\d+$/);
  await expect(nodePage.timeline.locator('[data-testid="event"]:target')).toHaveAttribute('data-kind', 'restart');

  const markers = nodePage.timeline.getByTestId('marker-link');
  await expect(markers.first()).toBeVisible();
  const count = await nodePage.timeline.getByTestId('event').count();
  await expect(markers).toHaveCount(count);
  // Each marker's number is its event's place in the list, and it links there.
  const last = markers.nth(count - 1);
  await expect(last).toHaveText(new RegExp(`^${count} `));
  const lastEvent = nodePage.timeline.getByTestId('event').nth(count - 1);
  await expect(last).toHaveAttribute('href', `#${await lastEvent.getAttribute('id')}`);
  await last.click();
  await expect(lastEvent).toBeFocused();

  await nodePage.open('lab-healthy');
  await expect(nodePage.timeline.locator('.recharts-surface')).toBeVisible();
  await expect(page.getByTestId('key-event')).toHaveCount(0);
});

test("a link to a finding highlights its lane in the timeline", async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-deverror', '?finding=fs-device-error%3A%2Froot%2Fdata');
  await expect(nodePage.timeline.getByTestId('focused-lane')).toHaveAttribute('data-lane', 'device-error:/root/data');
  await expect(nodePage.lane('device-error:/root/data')).toHaveAttribute('data-focused', 'true');
  await expect(nodePage.lane('device-error:/root/data')).toBeVisible();
  await expect(nodePage.timeline.locator('.recharts-surface text[data-focused]')).toHaveText('▶ ' + (await nodePage.timeline.getByTestId('focused-lane').locator('strong').textContent()));
  await expect(nodePage.timeline.locator('[data-testid="lane"][data-focused="true"]')).toHaveCount(1);
  await nodePage.open('lab-deverror');
  await expect(nodePage.timeline.locator('.recharts-surface')).toBeVisible();
  await expect(nodePage.timeline.getByTestId('focused-lane')).toHaveCount(0);
  await expect(nodePage.timeline.locator('.recharts-surface text[data-focused]')).toHaveCount(0);
});

test('the theme switch: dark or light kept across pages in a cookie, system follows the browser again', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/nodes/lab-healthy');
  const root = page.locator('[data-theme-root]');
  const background = () => root.evaluate((element) => getComputedStyle(element).backgroundColor);
  const light = await background();
  await page.getByTestId('theme-dark').check();
  await expect(root).toHaveAttribute('data-theme', 'dark');
  expect(await background()).not.toBe(light);
  await page.goto('/');
  await expect(page.locator('[data-theme-root]')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('theme-dark')).toBeChecked();
  await page.getByTestId('theme-system').check();
  await expect(page.locator('[data-theme-root]')).not.toHaveAttribute('data-theme', /.+/);
  await page.reload();
  expect(await page.locator('[data-theme-root]').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(light);
});
