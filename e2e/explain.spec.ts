import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { REAL_FIXTURES } from '../lab/test-support/fixtures';
import { explanationSchema } from '../lib/contract/explain';

/**
 * "Why is this panel empty?" as an SRE asks it on the default lab: paste a panel's query, pick a node, read
 * the ladder, follow the link to the finding; upload a real dashboard; share the explanation as a link.
 */

// dotdc's "CPU usage by Pod" panel (k8s-views-nodes), as Grafana shows its query.
const CPU_BY_POD = 'sum(rate(container_cpu_usage_seconds_total{node="$node", image!="", cluster="$cluster"}[$__rate_interval])) by (pod)';

test('paste a query, pick a node, read the ladder, follow the link to the finding', async ({ page }) => {
  await page.goto('/explain');
  const editor = page.getByTestId('query-editor');
  await expect(editor).toBeVisible();
  await editor.fill(CPU_BY_POD);
  await page.getByTestId('node-input').fill('lab-cadvisor');
  await page.getByTestId('explain-submit').click();
  await expect(page).toHaveURL(/\/explain\?query=.*&node=lab-cadvisor/);

  await expect(page.getByTestId('explain-summary')).toContainText('Empty for lab-cadvisor');
  await expect(page.getByTestId('substituted')).toContainText('node="lab-cadvisor", image!="", cluster=""');
  const selector = page.getByTestId('selector').first();
  await expect(selector).toHaveAttribute('data-verdict', 'label-never-present');
  await expect(selector.getByTestId('culprit')).toHaveText('image!=""');
  // The ladder: the selector, the metric alone, node="…" (series), node and image!="" (none), the image values.
  await expect(selector.getByTestId('steps').locator('li')).toHaveCount(5);
  await expect(selector.getByTestId('steps').locator('.step-empty')).toHaveCount(2);
  await expect(selector.getByTestId('steps')).toContainText('node="lab-cadvisor"');

  const link = selector.getByTestId('explain-finding-link');
  await expect(link).toHaveText('cadvisor-labels-empty / runtime-started-after-kubelet');
  await link.click();
  await expect(page).toHaveURL(/\/nodes\/lab-cadvisor\?.*finding=cadvisor-labels-empty/);
  await expect(page.locator('[data-testid="finding-card"][data-kind="cadvisor-labels-empty"]')).toHaveAttribute('data-selected', 'true');
});

test('a shared explanation link opens the same ladder in a fresh browser, and as an embed', async ({ browser }) => {
  const link = `/explain?${new URLSearchParams({ query: 'kubelet_running_pods{instance=~"$instance"}', node: 'lab-unauthorized', from: 'now-1h', to: 'now' })}`;
  const fresh = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const page = await fresh.newPage();
    await page.goto(link);
    await expect(page.getByTestId('explain-summary')).toContainText('Empty for lab-unauthorized');
    const selector = page.getByTestId('selector').first();
    await expect(selector).toHaveAttribute('data-verdict', 'label-value-absent');
    await expect(selector.getByTestId('culprit')).toContainText(':10250"');
    await expect(selector.getByTestId('explain-finding-link')).toHaveText('target-down / unauthorized');
    // The form holds what the link says, so the SRE can change it and ask again.
    await expect(page.getByTestId('node-input')).toHaveValue('lab-unauthorized');
    await expect(page.getByTestId('query-editor')).toContainText('kubelet_running_pods');

    await page.goto(link.replace('/explain?', '/embed/explain?'));
    await expect(page.getByTestId('embed')).toBeVisible();
    await expect(page.getByTestId('selector').first()).toHaveAttribute('data-verdict', 'label-value-absent');
    await expect(page.locator('.chrome')).toHaveCount(0);
  } finally {
    await fresh.close();
  }
});

test('upload a dashboard: its empty panels first, each explained', async ({ page }) => {
  await page.goto('/explain?node=lab-unauthorized&from=now-1h');
  await page.getByTestId('dashboard-file').setInputFiles(join(REAL_FIXTURES, 'dashboards', 'kube-prometheus_kubelet.json'));
  await expect(page.getByTestId('dashboard-json')).not.toHaveValue('');
  await page.getByTestId('dashboard-submit').click();
  const summary = page.getByTestId('dashboard-summary');
  await expect(summary).toContainText(/\d+ of \d+ panels are empty for lab-unauthorized \(\d+ of 29 queries\)/, { timeout: 30_000 });
  const panels = page.getByTestId('panel');
  await expect(panels.first()).toHaveAttribute('data-empty', 'true');
  await expect(panels.last()).toHaveAttribute('data-empty', 'false');
  const first = panels.first();
  await expect(first.getByTestId('selector').first()).toHaveAttribute('data-verdict', 'label-value-absent');
  await expect(first.getByTestId('explain-finding-link').first()).toHaveText('target-down / unauthorized');
});

test('an uploaded file that is not a dashboard is refused with a reason, and the page keeps working', async ({ page }) => {
  await page.goto('/explain?node=lab-healthy');
  await page.getByTestId('dashboard-json').fill('{"panels": []}');
  await page.getByTestId('dashboard-submit').click();
  await expect(page.getByTestId('dashboard-error')).toContainText('no Prometheus query');
  await page.getByTestId('dashboard-json').fill('not json');
  await page.getByTestId('dashboard-submit').click();
  await expect(page.getByTestId('dashboard-read-error')).toContainText('that is not JSON');
  await expect(page.getByTestId('dashboard-error')).toHaveCount(0);
});

test("the node page offers the standard dashboards, explained for that node", async ({ page }) => {
  await page.goto('/nodes/lab-wrongport');
  const links = page.getByTestId('dashboard-links');
  await expect(links).toContainText('Check the standard dashboards for this node');
  await links.getByRole('link', { name: 'Node Exporter Full' }).click();
  await expect(page).toHaveURL(/dashboard=rfmoz_node-exporter-full&node=lab-wrongport/);
  await expect(page.getByTestId('dashboard-summary')).toContainText('panels are empty for lab-wrongport', { timeout: 30_000 });
  const first = page.getByTestId('panel').first();
  await expect(first.getByTestId('explain-finding-link').first()).toHaveText('target-down / wrong-port');
});

test('a request that cannot be explained says why in place of the answer', async ({ page }) => {
  await page.goto(`/explain?${new URLSearchParams({ query: 'up{job="$job", team="$team"}', node: 'lab-healthy' })}`);
  await expect(page.getByTestId('explain-error')).toContainText('var-team=');
  await page.goto(`/explain?${new URLSearchParams({ query: 'up', node: 'no-such-node' })}`);
  await expect(page.getByTestId('explain-error')).toContainText('Unknown node');
  await page.goto(`/explain?${new URLSearchParams({ query: 'sum(up' })}`);
  await expect(page.getByTestId('explain-error')).toContainText('does not parse');
  await expect(page.getByTestId('explain-form')).toBeVisible();
});

test('GET /api/v1/explain answers the documented contract; errors are JSON', async ({ request }) => {
  const response = await request.get(`/api/v1/explain?${new URLSearchParams({ query: 'node_filesystem_avail_bytes{instance="$instance", mountpoint="/"}', node: 'lab-wrongport' })}`);
  expect(response.status()).toBe(200);
  const body = explanationSchema.parse(await response.json());
  expect(body.empty).toBe(true);
  expect(body.selectors[0]).toMatchObject({ verdict: 'label-value-absent', findings: [{ node: 'lab-wrongport', kind: 'target-down', cause: 'wrong-port', subject: 'node-exporter' }] });
  const bad = await request.get('/api/v1/explain?query=up&node=Bad_Node');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe('bad-request');
  const unknown = await request.get('/api/v1/explain?query=up&node=no-such-node');
  expect(unknown.status()).toBe(404);
  const huge = await request.post('/api/v1/explain', { data: '{"dashboard": "' + 'x'.repeat(5 * 1024 * 1024) + '"}', headers: { 'content-type': 'application/json' } });
  expect(huge.status()).toBe(400);
  expect((await huge.json()).error.message).toContain('larger than');
});

test("the editor completes metric names from the configured Prometheus, through gapscope", async ({ page, request }) => {
  const names = (await (await request.get('/api/v1/completions?label=__name__')).json()) as { names: string[] };
  expect(names.names).toContain('kubelet_running_pods');
  const labels = (await (await request.get('/api/v1/completions?metric=kubelet_running_pods')).json()) as { names: string[] };
  expect(labels.names).toEqual(expect.arrayContaining(['instance', 'job', 'node']));
  expect((await request.get('/api/v1/completions?label=bad-name')).status()).toBe(400);

  await page.goto('/explain');
  const editor = page.getByTestId('query-editor');
  await editor.click();
  await page.keyboard.type('kubelet_running_p');
  await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('kubelet_running_pods');
});
