/**
 * The investigation UI against the 1,000-node lab, in one run: Prometheus requests per fleet load and per
 * node load (counted by Prometheus itself), fleet page server time against a bare page (cold: at most 10x;
 * as served: at most 5x), fleet HTML size, and the node page's LCP in headless Chromium against Prometheus'
 * own UI's, measured in the same run (at most the same).
 *
 * Two gapscope servers run side by side on the same lab: one with GAPSCOPE_FLEET_CACHE_TTL=0s, so that
 * every load computes everything (the cold, worst case), one with the default 15 s (what users get).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { startLab, type RunningLab } from '@/lab/src/lab';
import { waitForScrapes } from '@/lab/test-support/prometheus-api';
import { waitForHttp } from './http';

const ROOT = resolve(__dirname, '..');
const COLD_PORT = 3191;
const WARM_PORT = 3192;
const NODE = 'lab-cadvisor';
const QUERY_HANDLERS = /^prometheus_http_requests_total\{code="[0-9]+",handler="\/api\/v1\/(query|query_range|targets|series|labels)"\} ([0-9.e+]+)$/;

export interface Check {
  goal: string;
  ok: boolean;
}

/** Requests Prometheus has answered on its query APIs, from its own live counters. */
async function prometheusRequests(lab: RunningLab): Promise<number> {
  const text = await (await fetch(`${lab.prometheusUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = QUERY_HANDLERS.exec(line);
    if (match) total += Number(match[2]);
  }
  return total;
}

async function timed(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, bytes: body.byteLength, status: response.status };
}

async function median(url: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push((await timed(url)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * LCP of a page load in a fresh context, waiting for the page to settle (the timeline streams in), and the
 * element it was (what the figure measures: a finding's text is painted when the findings stream in).
 */
async function lcp(browser: Browser, url: string): Promise<{ ms: number; element: string }> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'networkidle' });
    return await page.evaluate(
      () =>
        new Promise<{ ms: number; element: string }>((done) => {
          new PerformanceObserver((list) => {
            const last = list.getEntries().at(-1) as PerformanceEntry & { element?: Element | null };
            const element = last.element ? `${last.element.tagName.toLowerCase()}${last.element.className ? `.${String(last.element.className).split(' ')[0]}` : ''} in ${last.element.closest('[data-testid]')?.getAttribute('data-testid') ?? 'the page'}` : 'an element since replaced';
            done({ ms: last.startTime, element });
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        }),
    );
  } finally {
    await context.close();
  }
}

async function medianLcp(browser: Browser, url: string, runs: number): Promise<{ ms: number; element: string }> {
  const values: { ms: number; element: string }[] = [];
  for (let run = 0; run < runs; run++) values.push(await lcp(browser, url));
  values.sort((a, b) => a.ms - b.ms);
  return values[Math.floor(values.length / 2)]!;
}

export async function benchUi(): Promise<Check[]> {
  if (!existsSync(resolve(ROOT, '.next', 'BUILD_ID'))) execFileSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  console.log('\nStarting the 1,000-node lab (history backfill takes a few minutes)…');
  const lab = await startLab({ octet: 31, nodes: 1000 });
  let browser: Browser | undefined;
  try {
    for (const [port, ttl] of [
      [COLD_PORT, '0s'],
      [WARM_PORT, '15s'],
    ] as const) {
      lab.startProcess({
        name: `gapscope-bench-${port}`,
        command: process.execPath,
        args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
        env: { ...process.env, ...lab.appEnv, GAPSCOPE_FLEET_CACHE_TTL: ttl, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      });
    }
    const cold = `http://127.0.0.1:${COLD_PORT}`;
    const warm = `http://127.0.0.1:${WARM_PORT}`;
    await Promise.all([waitForHttp(`${cold}/api/healthz`, 60_000), waitForHttp(`${warm}/api/healthz`, 60_000)]);
    await waitForScrapes(lab.prometheusUrl, 15_000, 180_000);
    for (let warmUp = 0; warmUp < 3; warmUp++) await Promise.all([timed(`${cold}/`), timed(`${warm}/`), timed(`${cold}/nodes/${NODE}`)]);

    // Requests per load, counted by Prometheus, on the server that caches nothing.
    let before = await prometheusRequests(lab);
    const fleetPage = await timed(`${cold}/`);
    const fleetRequests = (await prometheusRequests(lab)) - before;
    browser = await chromium.launch({
      executablePath: process.env.GAPSCOPE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    before = await prometheusRequests(lab);
    await lcp(browser, `${cold}/nodes/${NODE}`);
    const nodeRequests = (await prometheusRequests(lab)) - before;

    // A bare page: rendered per request through the same layouts, with no data: the not-found page of a
    // node the inventory does not know, on the served instance, where the node check is shared for a second
    // (15 loads in a row cost one small query). An invalid name no longer qualifies: proxy.ts answers it with
    // a 400 before any layout renders. The static 404 page is shown beside it.
    const bare = await median(`${warm}/nodes/no-such-node`, 15);
    const staticPage = await median(`${cold}/no-such-page`, 15);
    const fleetCold = await median(`${cold}/`, 15);
    const fleetWarm = await median(`${warm}/`, 15);
    const nodeLcpCold = await medianLcp(browser, `${cold}/nodes/${NODE}`, 5);
    const nodeLcpWarm = await medianLcp(browser, `${warm}/nodes/${NODE}`, 5);
    const peerLcp = await medianLcp(browser, `${lab.prometheusUrl}/graph`, 5);

    const row = (label: string, value: string, goal = '') => console.log(`${label.padEnd(70)}${value.padStart(14)}  ${goal}`);
    const checks: Check[] = [];
    const check = (goal: string, ok: boolean) => {
      checks.push({ goal, ok });
      return ok ? `met (${goal})` : `MISSED (${goal})`;
    };
    console.log(`\nThe investigation UI against the lab with ${lab.nodes.length} nodes (medians; cold = GAPSCOPE_FLEET_CACHE_TTL=0s)`);
    row('Prometheus requests per fleet load (page /)', String(fleetRequests), check('fleet load <= 10 requests', fleetRequests <= 10));
    row(`Prometheus requests per node load (/nodes/${NODE}, findings + timeline)`, String(nodeRequests), check('node load <= 25 requests', nodeRequests <= 25));
    row('bare page: rendered per request, same layouts, no data', `${bare.toFixed(1)} ms`);
    row('static page (the prerendered 404, not rendered per request)', `${staticPage.toFixed(1)} ms`);
    row('fleet page, cold: every load computes the fleet', `${fleetCold.toFixed(1)} ms`, check('cold fleet <= 10x a bare page', fleetCold / bare <= 10).replace(')', `: ${(fleetCold / bare).toFixed(1)}x)`));
    row('fleet page, as served: snapshot shared for 15 s', `${fleetWarm.toFixed(1)} ms`, check('fleet <= 5x a bare page', fleetWarm / bare <= 5).replace(')', `: ${(fleetWarm / bare).toFixed(1)}x)`));
    row('fleet page HTML (first page of 30 rows, with its React payload)', `${(fleetPage.bytes / 1024).toFixed(1)} KB`, check('fleet HTML <= 150 KB', fleetPage.bytes <= 150 * 1024));
    row(`node page LCP, cold (${NODE}; the largest paint: ${nodeLcpCold.element})`, `${nodeLcpCold.ms.toFixed(0)} ms`, check('node LCP <= 1.5 s', nodeLcpCold.ms <= 1500));
    row(`node page LCP, inventory shared`, `${nodeLcpWarm.ms.toFixed(0)} ms`);
    row(`peer: LCP of Prometheus' own UI (/graph; ${peerLcp.element})`, `${peerLcp.ms.toFixed(0)} ms`);
    row('node page LCP, cold, against the peer', `${(nodeLcpCold.ms / peerLcp.ms).toFixed(2)}x`, check("node LCP <= the Prometheus UI's", nodeLcpCold.ms <= peerLcp.ms));
    return checks;
  } finally {
    await browser?.close();
    await lab.stop();
  }
}
