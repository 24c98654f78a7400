import { expect, test } from '@playwright/test';
import { startLab, type RunningLab } from '../lab/src/lab';
import { waitForScrapes } from '../lab/test-support/prometheus-api';

/**
 * The fleet page against a lab of 1,000 nodes, with its own gapscope server: started for these tests only,
 * so that the other specs do not share the machine with 3,000 scrape targets.
 */
const PORT = 3102;
const BASE = `http://127.0.0.1:${PORT}`;
let lab: RunningLab | undefined;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(420_000);
  // Its own server must be the one answering there, not another left on the port.
  const taken = await fetch(`${BASE}/api/healthz`).then(() => true, () => false);
  if (taken) throw new Error(`port ${PORT} already answers: the 1,000-node tests need it for their own server`);
  lab = await startLab({ octet: 32, nodes: 1000 });
  lab.startProcess({
    name: 'gapscope-1000',
    command: process.execPath,
    args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)],
    // The lab's 3,000 scrape targets share two cores with this server: a family's fleet-wide query can take
    // longer than the 10 s default here (once in a CI run), and these tests are about the page, not its speed
    // (the bench measures that).
    env: { ...process.env, ...lab.appEnv, GAPSCOPE_FLEET_CACHE_TTL: '5s', GAPSCOPE_PROMETHEUS_TIMEOUT: '30s', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  await waitForScrapes(lab.prometheusUrl, 15_000, 240_000);
  await expect(async () => expect((await fetch(`${BASE}/api/healthz`)).ok).toBe(true)).toPass({ timeout: 60_000, intervals: [1_000] });
});

test.afterAll(async () => {
  await lab?.stop();
});

test('the fleet page with 1,000 nodes renders the summary and one page of the worst rows (30)', async ({ page }) => {
  await page.goto(`${BASE}/`);
  await expect(page.getByTestId('matrix-summary')).toContainText('All 1000 nodes');
  await expect(page.getByTestId('fleet-row')).toHaveCount(30);
  await expect(page.getByTestId('pager')).toContainText('page 1 of 34 · 1000 nodes match');
  // Worst first: the first page holds critical nodes only (the lab has about 70).
  for (const worst of await page.getByTestId('fleet-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-worst')))) expect(worst).toBe('critical');
  await page.getByTestId('pager-next').click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId('fleet-row')).toHaveCount(30);
});

test('the 1,000-node fleet filters by family and by name, and links to a node page', async ({ page }) => {
  await page.goto(`${BASE}/?family=device-error`);
  const summaryNodes = Number(await page.locator('[data-testid="matrix-summary"] td[data-family="device-error"]').getAttribute('data-nodes'));
  // Where a family's request failed, the sources panel says why: show it with the failure.
  const failed = await page.locator('[data-testid="source"][data-ok="false"]').allInnerTexts();
  expect(summaryNodes, failed.join('\n')).toBeGreaterThan(10);
  await expect(page.getByTestId('fleet-row')).toHaveCount(Math.min(30, summaryNodes));
  for (const faults of await page.locator('[data-testid="fleet-row"] td[data-family="device-error"]').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-faults'))))) {
    expect(faults).toBeGreaterThan(0);
  }
  await page.getByTestId('filter-family').selectOption('');
  await page.getByTestId('filter-q').fill('lab-node-099');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('fleet-row')).toHaveCount(10);
  await page.getByRole('link', { name: 'lab-node-0990' }).click();
  await expect(page.getByTestId('node-name')).toHaveText('lab-node-0990');
  await expect(page.getByTestId('timeline').locator('.recharts-surface')).toBeVisible({ timeout: 30_000 });
});

test('at 1,000 nodes too: causes as badges in the matrix; a node page opens on its summary, the event that explains it, and labelled markers', async ({ page }) => {
  await page.goto(`${BASE}/?q=lab-unauthorized`);
  const row = page.locator('[data-testid="fleet-row"][data-node="lab-unauthorized"]');
  await expect(row.getByTestId('cause-kubelet')).toHaveAttribute('data-cause', 'unauthorized');
  await expect(row.getByTestId('last-error-kubelet')).toBeHidden();

  await page.goto(`${BASE}/nodes/lab-cadvisor`);
  await expect(page.getByTestId('node-summary')).toContainText('cadvisor-labels-empty (runtime-started-after-kubelet)');
  await expect(page.getByTestId('key-event')).toHaveAttribute('data-event', /^restart:kubelet:/, { timeout: 60_000 });
  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByTestId('marker-link').first()).toHaveText(/^1 \S/);
  // Every request of the timeline answered: its cAdvisor lanes read only the node's pods (lib/engine/scope.ts).
  await expect(timeline.locator('[data-testid="source"][data-ok="false"]')).toHaveCount(0);
  await expect(timeline.locator('[data-testid="lane"][data-lane^="cadvisor-labels:"]')).toHaveAttribute('data-state', 'gap');
});
