import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { startLab, type RunningLab } from '../lab/src/lab';
import { waitForScrapes } from '../lab/test-support/prometheus-api';
import { NodePage } from './pages/node-page';

/**
 * The gaps of issue 12 as an SRE meets them: the more-faults scenario (kubernetes-sd profile) with its own
 * lab and gapscope server, started for these tests only and stopped after them.
 */
const PORT = 3105;
const BASE = `http://127.0.0.1:${PORT}`;
let lab: RunningLab | undefined;

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const taken = await fetch(`${BASE}/api/healthz`).then(() => true, () => false);
  if (taken) throw new Error(`port ${PORT} already answers: the more-faults tests need it for their own server`);
  lab = await startLab({ octet: 33, profile: 'kubernetes-sd', scenarioFile: resolve(__dirname, '..', 'lab', 'scenarios', 'more-faults.yaml') });
  lab.startProcess({
    name: 'gapscope-more-faults',
    command: process.execPath,
    args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)],
    env: { ...process.env, ...lab.appEnv, GAPSCOPE_FLEET_CACHE_TTL: '5s', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  await waitForScrapes(lab.prometheusUrl, 5_000);
  await expect(async () => expect((await fetch(`${BASE}/api/healthz`)).ok).toBe(true)).toPass({ timeout: 60_000, intervals: [1_000] });
});

test.afterAll(async () => {
  await lab?.stop();
});

test('the fleet matrix has a column for exporter collectors, and counts the new gaps in their families', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('matrix-summary')).toBeVisible();
  const cell = (node: string, family: string) => page.locator(`[data-testid="fleet-row"][data-node="${node}"] td[data-family="${family}"]`);
  await expect(page.locator('th', { hasText: 'Exporter collectors' })).toBeVisible();
  await expect(cell('lab-thermal', 'collector')).toHaveAttribute('data-faults', '1');
  await expect(cell('lab-textfile', 'collector')).toHaveAttribute('data-faults', '1');
  await expect(cell('lab-big', 'scrape')).toHaveAttribute('data-faults', '1');
  await expect(cell('lab-scrapeerror', 'cadvisor-labels')).toHaveAttribute('data-faults', '1');
  await expect(page.locator('th', { hasText: 'Pod network' })).toBeVisible();
  await expect(cell('lab-crio', 'cadvisor-network')).toHaveAttribute('data-faults', '1');
  // The trap: CRI-O whose pods all use the host network has nothing to report per pod.
  await expect(page.locator('[data-testid="fleet-row"][data-node="lab-crio-host"]')).toHaveAttribute('data-worst', 'none');
  // The Windows node: findings by design only, no fault in any column.
  const windows = page.locator('[data-testid="fleet-row"][data-node="lab-windows"]');
  await expect(windows).toHaveAttribute('data-worst', 'none');
  for (const family of ['scrape', 'cadvisor-labels', 'collector']) await expect(cell('lab-windows', family)).toHaveAttribute('data-faults', '0');
});

const CARDS = [
  ['lab-thermal', 'collector-failed', 'collector-error', 'collector="thermal_zone"} 0'],
  ['lab-textfile', 'collector-failed', 'textfile-error', 'node_textfile_scrape_error'],
  ['lab-big', 'target-down', 'sample-limit', 'sample limit exceeded'],
  ['lab-digest', 'target-down', 'label-limit', 'label_value_length_limit exceeded'],
  ['lab-packages', 'target-down', 'body-size-limit', 'body size limit exceeded'],
  ['lab-scrapeerror', 'cadvisor-scrape-error', 'container-scrape-error', 'container_scrape_error'],
  ['lab-twice', 'target-duplicated', 'scraped-twice', 'node-exporter-legacy'],
  ['lab-crio', 'cadvisor-network-missing', 'no-infra-container', 'host_network="false"'],
  ['lab-twostacks', 'cadvisor-series-duplicated', 'scraped-twice', 'kubernetes-cadvisor-other-stack'],
  ['lab-netless', 'cadvisor-network-missing', 'unknown', 'no container_network_receive_bytes_total series with a pod label'],
] as const;

for (const [node, kind, cause, evidence] of CARDS) {
  test(`${node}'s page shows ${kind} (${cause}) with its evidence`, async ({ page }) => {
    const nodePage = new NodePage(page);
    await nodePage.open(node);
    const card = nodePage.card(kind, cause).first();
    await expect(card).toBeVisible({ timeout: 60_000 });
    await expect(card.getByTestId('evidence')).toContainText(evidence);
    await expect(nodePage.faults).toHaveCount(1);
  });
}

test("lab-big's card names the job's sample_limit, read from Prometheus' configuration", async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-big');
  await expect(nodePage.card('target-down', 'sample-limit')).toContainText('sample_limit: 250');
});

test('lab-thermal: the timeline has a lane for the collector, and says when it began failing', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-thermal');
  await expect(nodePage.timeline.locator('.recharts-surface')).toBeVisible({ timeout: 30_000 });
  await expect(nodePage.lane('collector:collector thermal_zone')).toHaveAttribute('data-state', 'gap');
  await expect(nodePage.explanations('collector:collector thermal_zone').first()).toHaveText(/node_exporter's thermal_zone collector began failing at \d\d:\d\d:\d\d UTC/);
});

test("lab-restart: once its container restarts (45 s after the lab's start), the page shows both cgroups' series, and why", async ({ page }) => {
  const nodePage = new NodePage(page);
  await expect(async () => {
    await nodePage.open('lab-restart');
    await expect(nodePage.card('cadvisor-series-duplicated', 'stale-after-restart')).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  await expect(nodePage.card('cadvisor-series-duplicated', 'stale-after-restart').getByTestId('evidence')).toContainText('container="payments"');
  // The container that restarted two hours ago: nothing left to say.
  await nodePage.open('lab-restarted');
  await expect(page.getByTestId('no-faults')).toBeVisible({ timeout: 30_000 });
});

test('lab-windows: no fault, its missing node-exporter and container series are expected by design', async ({ page }) => {
  const nodePage = new NodePage(page);
  await nodePage.open('lab-windows');
  await expect(nodePage.expectedByDesign).toHaveCount(2, { timeout: 60_000 });
  await expect(nodePage.faults).toHaveCount(0);
  await expect(page.locator('[data-testid="finding-card"][data-cause="windows-node"]').first()).toContainText('Windows');
});
