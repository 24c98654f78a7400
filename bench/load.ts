/**
 * `npm run bench -- load`: a crowd of viewers against the default lab, through `next start`. Loopback only,
 * bounded in count (200 page loads per phase) and in time (each load is abandoned after 60 s).
 *
 * gapscope reads Prometheus through a counting loopback proxy that can also answer slowly (2 s added to
 * every request) or not at all (connections reset), and the lab counts gapscope's own kubelet reads.
 * Phases, side by side:
 * - alone: each node's page loaded once, one after the other (the peer figure);
 * - crowd: 200 node-page loads at once across the lab's nodes;
 * - slow: the same crowd while Prometheus answers 2 s late;
 * - down: the same crowd while Prometheus is unreachable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { startLab, type RunningLab } from '@/lab/src/lab';
import { waitForHttp } from './http';

const PORT = 3195;
const ROOT = resolve(__dirname, '..');
const CROWD = 200;
/** GAPSCOPE_PROMETHEUS_TIMEOUT of the server under test, and the margin an answer may take beyond it. */
const TIMEOUT_MS = 10_000;
const MARGIN_MS = 5_000;
const SLOW_MS = 2_000;

type Mode = 'normal' | 'slow' | 'down';

/** Forwards to Prometheus, counting requests; `slow` delays each by SLOW_MS, `down` resets the connection. */
function prometheusProxy(target: URL): { server: Server; count: () => number; setMode: (mode: Mode) => void } {
  let mode: Mode = 'normal';
  let count = 0;
  const server = createServer((request, response) => {
    count++;
    if (mode === 'down') return void request.socket.destroy();
    const forward = () => {
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    };
    if (mode === 'slow') setTimeout(forward, SLOW_MS).unref();
    else forward();
  });
  return { server, count: () => count, setMode: (next) => void (mode = next) };
}

interface Load {
  ms: number;
  ok: boolean;
  /** The page arrived with its node's heading and its sources: degraded perhaps, never blank. */
  complete: boolean;
}

async function loadPage(url: string, node: string): Promise<Load> {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    const html = await response.text();
    return { ms: performance.now() - started, ok: response.status === 200, complete: html.includes(`data-testid="node-name">${node}<`) && html.includes('data-testid="source-panel"') };
  } catch {
    return { ms: performance.now() - started, ok: false, complete: false };
  }
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;

interface Phase {
  label: string;
  loads: Load[];
  prometheusPerLoad: number;
  kubeletReads: Map<string, number>;
  wallMs: number;
}

function readsSince(lab: RunningLab, before: ReadonlyMap<string, number>): Map<string, number> {
  const now = lab.kubeletReadsByGapscope();
  return new Map([...now].map(([key, value]) => [key, value - (before.get(key) ?? 0)] as const).filter(([, value]) => value > 0));
}

async function phase(label: string, lab: RunningLab, proxy: ReturnType<typeof prometheusProxy>, urls: { url: string; node: string }[], concurrent: boolean): Promise<Phase> {
  const before = proxy.count();
  const readsBefore = lab.kubeletReadsByGapscope();
  const started = performance.now();
  const loads: Load[] = [];
  if (concurrent) loads.push(...(await Promise.all(urls.map(({ url, node }) => loadPage(url, node)))));
  else for (const { url, node } of urls) loads.push(await loadPage(url, node));
  return { label, loads, prometheusPerLoad: (proxy.count() - before) / urls.length, kubeletReads: readsSince(lab, readsBefore), wallMs: performance.now() - started };
}

export async function benchLoad(): Promise<{ goal: string; ok: boolean }[]> {
  if (!existsSync(resolve(ROOT, '.next', 'BUILD_ID'))) execFileSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  const lab = await startLab({ octet: 33 });
  const proxy = prometheusProxy(new URL(lab.prometheusUrl));
  await new Promise<void>((done) => proxy.server.listen(0, '127.0.0.1', done));
  const proxyUrl = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  try {
    const server = lab.startProcess({
      name: 'gapscope-bench-load',
      command: process.execPath,
      args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)],
      env: { ...process.env, ...lab.appEnv, GAPSCOPE_PROMETHEUS_URL: proxyUrl, GAPSCOPE_PROMETHEUS_TIMEOUT: `${TIMEOUT_MS / 1000}s`, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    });
    const base = `http://127.0.0.1:${PORT}`;
    await waitForHttp(`${base}/api/healthz`, 60_000);
    // Let Prometheus scrape every target twice, as the findings depend on it.
    await new Promise((done) => setTimeout(done, 12_000));
    const nodes = lab.nodes.map((node) => node.name);
    const page = (node: string) => ({ url: `${base}/nodes/${node}`, node });
    // A first pass warms the server (compiled routes, the scrape configuration read once a minute).
    for (const node of nodes) await loadPage(page(node).url, node);
    const crowd = Array.from({ length: CROWD }, (_, index) => page(nodes[index % nodes.length]!));
    // The shared views live for a few seconds: let them expire between phases, so each phase pays its own way.
    const settle = () => new Promise((done) => setTimeout(done, 16_000));
    await settle();
    const alone = await phase('alone: each node once, in turn', lab, proxy, nodes.map(page), false);
    await settle();
    const crowded = await phase(`crowd: ${CROWD} at once`, lab, proxy, crowd, true);
    await settle();
    proxy.setMode('slow');
    const slow = await phase(`slow Prometheus (+${SLOW_MS / 1000} s): ${CROWD} at once`, lab, proxy, crowd, true);
    proxy.setMode('down');
    await settle();
    const down = await phase(`Prometheus down: ${CROWD} at once`, lab, proxy, crowd, true);
    proxy.setMode('normal');
    const alive = await fetch(`${base}/api/healthz`).then((response) => response.ok, () => false);
    const crashed = server.child.exitCode !== null || !alive;

    console.log(`\nLoad: node pages (GET /nodes/{node}, streamed to the end) of the default lab (${nodes.length} nodes), Prometheus timeout ${TIMEOUT_MS / 1000} s`);
    console.log(`${'phase'.padEnd(44)}${'loads'.padStart(6)}${'errors'.padStart(8)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}${'Prom. req/load'.padStart(16)}`);
    for (const result of [alone, crowded, slow, down]) {
      const times = result.loads.map((load) => load.ms);
      const errors = result.loads.filter((load) => !load.ok || !load.complete).length;
      const ms = (value: number) => `${Math.round(value)} ms`.padStart(9);
      console.log(`${result.label.padEnd(44)}${String(result.loads.length).padStart(6)}${String(errors).padStart(8)}${ms(percentile(times, 50))}${ms(percentile(times, 99))}${ms(Math.max(...times))}${result.prometheusPerLoad.toFixed(1).padStart(16)}`);
    }
    // The kubelet client shares one read per node and path for 5 s after it settles: a burst lasting longer
    // may read again once per 5 s.
    const readsAllowed = Math.ceil(crowded.wallMs / 5_000);
    const mostReads = Math.max(0, ...crowded.kubeletReads.values());
    console.log(`kubelet reads by gapscope during the crowd: at most ${mostReads} per node and path (${crowded.kubeletReads.size} node/path pairs read) over ${(crowded.wallMs / 1000).toFixed(1)} s`);
    const withinTimeout = (result: Phase) => result.loads.every((load) => load.ms <= TIMEOUT_MS + MARGIN_MS);
    const complete = (result: Phase) => result.loads.every((load) => load.ok && load.complete);
    const checks = [
      { goal: `crowd: 0 errors in ${CROWD} concurrent node-page loads`, ok: complete(crowded) },
      { goal: 'crowd: Prometheus requests per load no higher than alone', ok: crowded.prometheusPerLoad <= alone.prometheusPerLoad },
      { goal: 'crowd: at most one kubelet read per node and path per 5 s', ok: mostReads <= readsAllowed },
      { goal: `slow Prometheus: every page complete (degraded, never blank) within the timeout + ${MARGIN_MS / 1000} s`, ok: complete(slow) && withinTimeout(slow) },
      { goal: `Prometheus down: every page complete (degraded, never blank) within the timeout + ${MARGIN_MS / 1000} s`, ok: complete(down) && withinTimeout(down) },
      { goal: 'no crash: the server still answers /api/healthz', ok: !crashed },
    ];
    for (const check of checks) console.log(`  ${check.ok ? 'met ' : 'MISSED'}  ${check.goal}`);
    return checks;
  } finally {
    proxy.server.closeAllConnections();
    await new Promise<void>((done) => proxy.server.close(() => done()));
    await lab.stop();
  }
}
