import { expect, test } from '@playwright/test';
import { DEAD_PROMETHEUS_URL } from '../playwright.config';
import { FleetPage } from './pages/fleet-page';

const EXPECTED = {
  'lab-healthy': ['up', 'up', 'up'],
  'lab-volumes': ['up', 'up', 'up'],
  'lab-cadvisor': ['up', 'up', 'up'],
  'lab-rootsized': ['up', 'up', 'up'],
  'lab-deverror': ['up', 'up', 'up'],
  'lab-unauthorized': ['down', 'down', 'up'],
  'lab-wrongport': ['up', 'up', 'down'],
} as const;

test('the fleet page lists every lab node with its target health as Prometheus sees it', async ({ page }) => {
  const fleet = new FleetPage(page);
  await fleet.open();
  await fleet.waitUntilScraped();
  await expect(fleet.rows).toHaveCount(Object.keys(EXPECTED).length);
  for (const [node, [kubelet, cadvisor, exporter]] of Object.entries(EXPECTED)) {
    expect.soft(await fleet.health(node, 'kubelet'), `${node} kubelet`).toBe(kubelet);
    expect.soft(await fleet.health(node, 'cadvisor'), `${node} cadvisor`).toBe(cadvisor);
    expect.soft(await fleet.health(node, 'node-exporter'), `${node} node-exporter`).toBe(exporter);
  }
  // Each down target shows its finding's cause in a few words; the raw error is one click away.
  await expect(fleet.cause('lab-unauthorized', 'kubelet')).toHaveAttribute('data-cause', 'unauthorized');
  await expect(fleet.cause('lab-unauthorized', 'kubelet')).toHaveText('401 unauthorized');
  await expect(fleet.cause('lab-wrongport', 'node-exporter')).toHaveAttribute('data-cause', 'wrong-port');
  await expect(fleet.lastError('lab-unauthorized', 'kubelet')).toBeHidden();
  await fleet.row('lab-unauthorized').locator('details.last-error summary').first().click();
  await expect(fleet.lastError('lab-unauthorized', 'kubelet')).toHaveText('server returned HTTP status 401 Unauthorized');
  await expect(fleet.lastError('lab-wrongport', 'node-exporter')).toHaveText('server returned HTTP status 400 Bad Request');
  await expect(fleet.row('lab-rootsized')).toContainText('containerd://1.7.27');
  await expect(fleet.sources.filter({ hasText: 'evidence unavailable' })).toHaveCount(0);
});

test('the matrix counts each node\'s faults by gap family, with a summary row for the fleet', async ({ page }) => {
  const fleet = new FleetPage(page);
  await fleet.open();
  await fleet.waitUntilScraped();
  await expect(fleet.cell('lab-cadvisor', 'cadvisor-labels')).toHaveAttribute('data-severity', 'critical');
  // From stored series alone: the chart drops lab-cadvisor's unlabelled series, and the page says where cells come from.
  await expect(page.getByTestId('fleet-generated')).toContainText('comes from the stored layer (Prometheus) alone');
  await expect(fleet.cell('lab-deverror', 'device-error')).toHaveAttribute('data-faults', '1');
  // The chart's node-exporter reports no PV mount: lab-rootsized's are wrong in the kubelet's volume stats.
  await expect(fleet.cell('lab-rootsized', 'volume-stats')).toHaveAttribute('data-faults', '2');
  await expect(fleet.cell('lab-rootsized', 'root-sized-filesystem')).toHaveAttribute('data-faults', '0');
  await expect(fleet.cell('lab-rootsized', 'root-sized-filesystem')).toContainText('+1 by design');
  await expect(fleet.cell('lab-wrongport', 'scrape')).toHaveAttribute('data-faults', '1');
  await expect(fleet.cell('lab-healthy', 'volume-stats')).toHaveAttribute('data-faults', '0');
  await expect(fleet.cell('lab-healthy', 'volume-stats')).not.toHaveAttribute('data-severity');
  await expect(fleet.cell('lab-volumes', 'volume-stats')).toContainText('+2 by design');
  await expect(page.getByTestId('matrix-summary')).toContainText('All 7 nodes · 6 with faults');
  // Worst first: a critical node leads, the healthy one comes last.
  await expect(fleet.rows.first()).toHaveAttribute('data-worst', 'critical');
  await expect(fleet.rows.last()).toHaveAttribute('data-node', 'lab-healthy');
});

test('filters live in the URL and work from the keyboard', async ({ page }) => {
  const fleet = new FleetPage(page);
  await fleet.open();
  await fleet.waitUntilScraped();
  await page.getByTestId('filter-family').selectOption('device-error');
  await page.getByTestId('filter-q').focus();
  await page.keyboard.type('lab-');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]family=device-error/);
  await expect(fleet.rows).toHaveCount(1);
  await expect(fleet.rows.first()).toHaveAttribute('data-node', 'lab-deverror');

  await page.goto('/?family=volume-stats&hideExpected=1');
  await expect(page.getByTestId('fleet-table')).not.toContainText('by design');
  await expect(page.getByTestId('filter-hide-expected')).toBeChecked();
  // A scrape instance, as a Grafana data link from an instance-labelled panel passes it, finds its node.
  await page.goto('/');
  const ip = (await fleet.row('lab-deverror').locator('.node-meta').innerText()).split(' · ')[0];
  await page.goto(`/?q=${encodeURIComponent(`${ip}:10250`)}`);
  await expect(fleet.rows).toHaveCount(1);
  await expect(fleet.rows.first()).toHaveAttribute('data-node', 'lab-deverror');
  await page.goto('/?q=no-such-node');
  await expect(page.getByTestId('matrix-no-match')).toBeVisible();
  await page.goto('/?severity=fatal&sort=random&page=-2');
  await expect(fleet.rows).toHaveCount(7);
});

test('the matrix is a table that says its order: the caption, and aria-sort on the sorted column', async ({ page }) => {
  const fleet = new FleetPage(page);
  await fleet.open();
  await fleet.waitUntilScraped();
  await page.waitForLoadState('networkidle');
  await expect(page.getByTestId('matrix-sort')).toHaveText(/^Worst first/);
  await expect(page.locator('table.fleet th[aria-sort]')).toHaveCount(0);
  // From the keyboard: the Node header is a link that sorts by name.
  await page.getByTestId('sort-name').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]sort=name/);
  await expect(page.getByTestId('matrix-sort')).toContainText('By node name.');
  await expect(page.getByRole('columnheader', { name: 'Node', exact: true })).toHaveAttribute('aria-sort', 'ascending');
  const names = await fleet.rows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-node')!));
  expect(names).toEqual([...names].sort());
  await page.getByRole('columnheader', { name: 'Device errors', exact: true }).getByRole('link').click();
  await expect(page.getByTestId('matrix-sort')).toContainText('By Device errors: its worst fault first.');
  await expect(page.getByRole('columnheader', { name: 'Device errors', exact: true })).toHaveAttribute('aria-sort', 'descending');
  await expect(fleet.rows.first()).toHaveAttribute('data-node', 'lab-deverror');
  await page.getByTestId('matrix-sort').getByRole('link', { name: 'Worst first' }).click();
  await expect(page).not.toHaveURL(/sort=/);
});

test('the fleet page keeps its chrome and explains the failure when Prometheus is unreachable', async ({ page }) => {
  const fleet = new FleetPage(page);
  await fleet.open(DEAD_PROMETHEUS_URL);
  await expect(page.getByRole('heading', { name: 'Fleet' })).toBeVisible();
  const failed = fleet.sources.filter({ hasText: 'evidence unavailable' });
  await expect(failed.first()).toContainText('Prometheus could not connect (ECONNREFUSED)');
  await expect(page.getByTestId('fleet-unavailable')).toBeVisible();
  await expect(fleet.rows).toHaveCount(0);
});

test('healthz reports Prometheus reachability without failing liveness', async ({ request }) => {
  const live = await request.get('/api/healthz');
  expect(live.status()).toBe(200);
  expect(await live.json()).toMatchObject({ status: 'ok', prometheus: { ok: true, version: expect.stringMatching(/^2\./) } });
  const degraded = await request.get(`${DEAD_PROMETHEUS_URL}/api/healthz`);
  expect(degraded.status()).toBe(200);
  expect(await degraded.json()).toMatchObject({ status: 'degraded', prometheus: { ok: false, kind: 'unreachable' } });
});

test("kube-state-metrics' missing label allowlist is said once, for the cluster, and each node page links to it", async ({ page }) => {
  const fleet = new FleetPage(page);
  await fleet.open();
  await fleet.waitUntilScraped();
  const cluster = page.getByTestId('cluster-findings');
  await expect(cluster.locator('[data-testid="finding-card"][data-kind="inventory-labels-missing"][data-cause="metric-labels-allowlist"]')).toHaveCount(1);
  await expect(cluster).toContainText('--metric-labels-allowlist');
  // Counted on no node: the healthy node has no fault.
  await expect(fleet.row('lab-healthy')).toHaveAttribute('data-worst', 'none');
  await page.goto('/nodes/lab-healthy');
  const link = page.locator('[data-testid="cluster-link"][data-kind="inventory-labels-missing"]');
  await expect(link).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('no-faults')).toBeVisible();
  await link.getByRole('link').click();
  await expect(page).toHaveURL(/\/#cluster$/);
  await expect(page.getByTestId('cluster-findings')).toBeVisible();
});
