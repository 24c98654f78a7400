/**
 * Many clusters in one store: two lab clusters of 500 nodes each in one VictoriaMetrics (`--clusters 2
 * --nodes 500`), then one cluster of 500 nodes in a single Prometheus, the peer. For the fleet of clusters
 * and a cluster's fleet page (the single Prometheus' fleet page beside it): requests to the store per load
 * (counted by a loopback proxy in front of it) on a first load and on later ones (the scrape configuration
 * and the list of clusters are reused for a minute), the store's answer bytes, median server time and HTML
 * size, through `next start` with the fleet cache off (every load computes). Goal: at most 10 requests to the
 * store per load, cold or warm.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { startCentralClusters, TWO_CLUSTERS } from '@/lab/src/clusters';
import { startLab, type RunningLab } from '@/lab/src/lab';
import { waitForScrapes } from '@/lab/test-support/prometheus-api';
import { waitForHttp } from './http';

const ROOT = resolve(__dirname, '..');
const PORT = 3195;
const NODES = 500;
const RUNS = 5;
const MAX_REQUESTS = 10;

/** A counting pass-through proxy on loopback: gapscope's requests to the store, one by one. */
async function countingProxy(target: string): Promise<{ url: string; count: () => number; bytes: () => number; close: () => void }> {
  let count = 0;
  let bytes = 0;
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    count++;
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      answer.pipe(outgoing);
    });
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => count, bytes: () => bytes, close: () => server.close() };
}

interface Row {
  label: string;
  /** Requests of the first load, before any of the minute caches (scrape configuration, cluster list) is warm. */
  cold: number;
  requests: number;
  /** Bytes the store answered for one load. */
  storeBytes: number;
  ms: number;
  bytes: number;
}

/** A first load of `url`, then `RUNS` more: the first's requests, the most requests a later one made, the median time and the page's size. */
async function measure(label: string, url: string, proxy: { count: () => number; bytes: () => number }): Promise<Row> {
  const first = proxy.count();
  const cold = await fetch(url);
  await cold.arrayBuffer();
  if (!cold.ok) throw new Error(`${url} answered ${cold.status}`);
  const coldRequests = proxy.count() - first;
  const times: number[] = [];
  let requests = 0;
  let storeBytes = 0;
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const before = proxy.count();
    const bytesBefore = proxy.bytes();
    const started = performance.now();
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    requests = Math.max(requests, proxy.count() - before);
    storeBytes = proxy.bytes() - bytesBefore;
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  return { label, cold: coldRequests, requests, storeBytes, ms: times[Math.floor(times.length / 2)]!, bytes };
}

async function serve(lab: Pick<RunningLab, 'startProcess'>, env: Record<string, string>, storeUrl: string, port: number) {
  const proxy = await countingProxy(storeUrl);
  lab.startProcess({
    name: `gapscope-bench-${port}`,
    command: process.execPath,
    args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
    env: { ...process.env, ...env, GAPSCOPE_PROMETHEUS_URL: proxy.url, GAPSCOPE_FLEET_CACHE_TTL: '0s', GAPSCOPE_PROMETHEUS_TIMEOUT: '30s', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  await waitForHttp(`http://127.0.0.1:${port}/api/healthz`, 60_000);
  // The health check starts the background detection of what the store can tell (every 5 minutes, as a
  // probe calls it): let it finish, so that a first load counts its own requests only.
  await new Promise((done) => setTimeout(done, 3_000));
  return proxy;
}

export async function benchClusters(): Promise<{ goal: string; ok: boolean }[]> {
  if (!existsSync(resolve(ROOT, '.next', 'BUILD_ID'))) execFileSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  const rows: Row[] = [];
  const clusters = await startCentralClusters(TWO_CLUSTERS(50, resolve(ROOT, 'lab', 'scenarios'), NODES), { profile: 'kube-prometheus' });
  try {
    for (const lab of clusters.labs) await waitForScrapes(lab.scraperUrl, 60_000);
    const proxy = await serve(clusters.labs[0]!, clusters.appEnv, clusters.prometheusUrl, PORT);
    const base = `http://127.0.0.1:${PORT}`;
    rows.push(await measure(`fleet of clusters (2 x ${NODES} nodes, VictoriaMetrics)`, `${base}/`, proxy));
    rows.push(await measure(`a cluster's fleet page (eu-1, ${NODES} nodes, VictoriaMetrics)`, `${base}/?cluster=eu-1`, proxy));
    proxy.close();
  } finally {
    await clusters.stop();
  }
  const single = await startLab({ octet: 52, nodes: NODES, profile: 'kube-prometheus' });
  try {
    await waitForScrapes(single.prometheusUrl, 60_000);
    const proxy = await serve(single, single.appEnv, single.prometheusUrl, PORT + 1);
    const base = `http://127.0.0.1:${PORT + 1}`;
    rows.push(await measure(`peer: the fleet page (${NODES} nodes, one Prometheus)`, `${base}/`, proxy));
    proxy.close();
  } finally {
    await single.stop();
  }
  console.log(`\nMany clusters in one store: ${RUNS} loads each, next start, fleet cache off`);
  console.log(`${'page'.padEnd(62)}${'cold'.padStart(6)}${'warm'.padStart(6)}${'store answers'.padStart(15)}${'median'.padStart(10)}${'HTML'.padStart(10)}`);
  for (const row of rows) console.log(`${row.label.padEnd(62)}${String(row.cold).padStart(6)}${String(row.requests).padStart(6)}${`${(row.storeBytes / 1024).toFixed(0)} KB`.padStart(15)}${`${row.ms.toFixed(0)} ms`.padStart(10)}${`${(row.bytes / 1024).toFixed(0)} KB`.padStart(10)}`);
  const checks = rows.slice(0, 2).map((row) => ({ goal: `${row.label}: at most ${MAX_REQUESTS} requests to the store per load (cold ${row.cold}, warm ${row.requests})`, ok: Math.max(row.cold, row.requests) <= MAX_REQUESTS }));
  for (const check of checks) console.log(`  ${check.ok ? 'met ' : 'MISSED'}  ${check.goal}`);
  return checks;
}
