import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCentralClusters, TWO_CLUSTERS, type RunningClusters } from '../lab/src/clusters';
import { waitForScrapes } from '../lab/test-support/prometheus-api';

/**
 * Two clusters in one VictoriaMetrics, as `npm run demo -- --clusters 2` runs them (eu-1: the default
 * scenario, us-1: more-faults; both have a node named lab-cadvisor, with different faults), with their own
 * gapscope server started for these tests only.
 */
const PORT = 3106;
const BASE = `http://127.0.0.1:${PORT}`;
let clusters: RunningClusters | undefined;

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const taken = await fetch(`${BASE}/api/healthz`).then(() => true, () => false);
  if (taken) throw new Error(`port ${PORT} already answers: the clusters tests need it for their own server`);
  clusters = await startCentralClusters(TWO_CLUSTERS(37, resolve(__dirname, '..', 'lab', 'scenarios')), { profile: 'kube-prometheus' });
  clusters.labs[0]!.startProcess({
    name: 'gapscope-clusters',
    command: process.execPath,
    args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)],
    env: { ...process.env, ...clusters.appEnv, GAPSCOPE_FLEET_CACHE_TTL: '5s', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  for (const lab of clusters.labs) await waitForScrapes(lab.scraperUrl, 5_000);
  await expect(async () => expect((await fetch(`${BASE}/api/healthz`)).ok).toBe(true)).toPass({ timeout: 60_000, intervals: [1_000] });
});

test.afterAll(async () => {
  await clusters?.stop();
});

test('the fleet of clusters: a row per cluster, and a cluster picked opens its own fleet', async ({ page }) => {
  await page.goto('/');
  const rows = page.getByTestId('cluster-row');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="cluster-row"][data-cluster="eu-1"] [data-testid="cluster-nodes"]')).toHaveText('7');
  await page.screenshot({ path: 'docs/screenshots/clusters.png', fullPage: true });
  await page.getByTestId('cluster-picker').getByRole('link', { name: 'us-1' }).click();
  await expect(page).toHaveURL(/\/\?cluster=us-1$/);
  await expect(page.getByTestId('fleet-cluster')).toHaveText('us-1');
  await expect(page.locator('[data-testid="fleet-row"][data-node="lab-forbidden"]')).toBeVisible();
  // eu-1's nodes are not us-1's.
  await expect(page.locator('[data-testid="fleet-row"][data-node="lab-unauthorized"]')).toHaveCount(0);
  await expect(page.getByTestId('cluster-picker').locator('[aria-current="page"]')).toHaveText('us-1');
  // The sources panel says what the cluster's sources can tell: the store speaks MetricsQL, and the targets
  // API is the cluster's agent's (GAPSCOPE_CLUSTER_SCRAPERS). Detected in the background after a first load.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('capabilities')).toHaveAttribute('data-targets-api', 'true');
  }).toPass({ timeout: 20_000, intervals: [500] });
  await expect(page.getByTestId('capabilities')).toHaveAttribute('data-dialect', 'metricsql');
});

test('a node name both clusters have: picked from a cluster, the node page is that cluster\'s node', async ({ page }) => {
  await page.goto('/?cluster=us-1&q=lab-cadvisor');
  await page.locator('[data-testid="fleet-row"][data-node="lab-cadvisor"] a').first().click();
  await expect(page).toHaveURL(/\/nodes\/lab-cadvisor\?cluster=us-1/);
  await expect(page.getByTestId('node-cluster')).toHaveAttribute('data-cluster', 'us-1');
  await expect(page.locator('[data-testid="finding-card"][data-kind="cadvisor-labels-empty"]')).toHaveAttribute('data-cause', 'runtime-socket-unreachable');
  // The timeline, refreshed by the browser, asks for the same cluster's node.
  await expect(page.getByTestId('timeline')).toBeVisible();
  const timeline = await page.request.get('/api/v1/nodes/lab-cadvisor/timeline?cluster=us-1');
  expect((await timeline.json()).cluster).toBe('us-1');
});

test('a link without the cluster asks which one, and each choice keeps its own findings and links', async ({ page }) => {
  await page.goto('/nodes/lab-cadvisor');
  await expect(page.getByTestId('node-ambiguous')).toBeVisible();
  await page.locator('[data-testid="node-cluster-option"][data-cluster="eu-1"]').click();
  await expect(page.getByTestId('node-cluster')).toHaveAttribute('data-cluster', 'eu-1');
  await expect(page.locator('[data-testid="finding-card"][data-kind="cadvisor-labels-empty"]')).toHaveAttribute('data-cause', 'runtime-started-after-kubelet');
  // The range presets and a finding's own link keep the cluster.
  await page.getByRole('link', { name: 'Last hour' }).click();
  await expect(page).toHaveURL(/cluster=eu-1/);
  await expect(page.getByTestId('finding-link').first()).toHaveAttribute('href', /cluster=eu-1/);
  await expect(page.getByRole('link', { name: 'Fleet of eu-1' })).toHaveAttribute('href', '/?cluster=eu-1');
});

test('the API: cluster= picks, a name both have without it is a 409, an unknown cluster a 404', async ({ request }) => {
  const both = await request.get('/api/v1/nodes/lab-cadvisor/findings');
  expect(both.status()).toBe(409);
  expect((await both.json()).error.code).toBe('ambiguous-node');
  const unknown = await request.get('/api/v1/nodes?cluster=ap-9');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe('unknown-cluster');
  expect((await request.get('/api/v1/nodes')).status()).toBe(400);
  const overview = await (await request.get('/api/v1/clusters')).json();
  expect(overview.clusters.map((cluster: { name: string }) => cluster.name)).toEqual(['eu-1', 'us-1']);
});

test('an embed of a node takes cluster= as a Grafana ${cluster} variable fills it', async ({ page }) => {
  await page.goto('/embed/nodes/lab-cadvisor/findings');
  await expect(page.getByTestId('node-ambiguous')).toContainText('${cluster}');
  await page.goto('/embed/nodes/lab-cadvisor/findings?cluster=us-1&theme=dark');
  await expect(page.locator('[data-testid="finding-card"][data-kind="cadvisor-labels-empty"]')).toHaveAttribute('data-cause', 'runtime-socket-unreachable');
  await expect(page.getByRole('link', { name: 'lab-cadvisor' })).toHaveAttribute('href', '/nodes/lab-cadvisor?cluster=us-1');
});
