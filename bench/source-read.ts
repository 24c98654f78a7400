/**
 * Part of `npm run bench`: the source read of a 20 MB cAdvisor payload, served gzip over HTTPS on loopback,
 * end to end (request, gunzip, scan of the families the rules read), beside:
 * - the peer a newcomer would write: fetch() with its automatic decompression, text(), and the faster npm
 *   parser of the exposition benchmark (prom2javascript);
 * - the floor: zlib.gunzipSync and the same scan on bytes already in memory, no network.
 * Each case runs in a fresh child process, so that peak memory is its own; the HTTPS server runs in this one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { getMetricsFromStream } from 'prom2javascript';
import { Agent, fetch } from 'undici';
import { makeLabTls } from '@/lab/src/tls';
import { KubeletClient } from '@/lib/kubelet/client';
import { scanCadvisor } from '@/lib/kubelet/cadvisor-source';
import { scaledPayload } from './exposition';

type Case = 'gapscope' | 'fetch-text-prom2javascript' | 'floor';
const CASES: { id: Case; label: string }[] = [
  { id: 'gapscope', label: 'gapscope KubeletClient + scanCadvisor' },
  { id: 'fetch-text-prom2javascript', label: 'fetch() + text() + prom2javascript' },
  { id: 'floor', label: 'floor: gunzipSync + scan, in memory' },
];
const MEGABYTES = 20;
/** Runs per case after the warm-up; the median is reported (loopback timings on 2 cores are noisy). */
const RUNS = 15;

interface Target {
  address: string;
  caFile: string;
  tokenFile: string;
  gzFile: string;
}

async function runOnce(id: Case, target: Target, gz: Buffer, client: KubeletClient, agent: Agent): Promise<number> {
  switch (id) {
    case 'gapscope': {
      const scanned = await client.read({ name: 'bench', kubeletAddress: target.address }, '/metrics/cadvisor', `bench-${Math.random()}`, scanCadvisor);
      return scanned.cgroups.length;
    }
    case 'fetch-text-prom2javascript': {
      const response = await fetch(`https://${target.address}/metrics/cadvisor`, { dispatcher: agent, headers: { Authorization: `Bearer ${readFileSync(target.tokenFile, 'utf8')}` } });
      const text = await response.text();
      return Object.keys(await getMetricsFromStream(Readable.from([text]))).length;
    }
    case 'floor': {
      const body = gunzipSync(gz);
      const chunks = async function* () {
        for (let offset = 0; offset < body.length; offset += 64 * 1024) yield body.subarray(offset, offset + 64 * 1024);
      };
      return (await scanCadvisor(chunks())).cgroups.length;
    }
  }
}

/** Child: one case, warm for a second, then the median of RUNS runs and the peak RSS growth. */
async function measure(id: Case, target: Target): Promise<void> {
  const gz = readFileSync(target.gzFile);
  const client = new KubeletClient({ access: { mode: 'direct', tokenFile: target.tokenFile, caFile: target.caFile, insecureSkipVerify: false }, timeoutMs: 30_000, maxBytes: 64 << 20, reuseMs: 0 });
  const agent = new Agent({ connect: { ca: readFileSync(target.caFile) } });
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  const warmUntil = Date.now() + 1_000;
  do await runOnce(id, target, gz, client, agent);
  while (Date.now() < warmUntil);
  const times: number[] = [];
  let seen = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    seen = await runOnce(id, target, gz, client, agent);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  await agent.close();
  const peakGrowthMb = Math.max(0, (process.resourceUsage().maxRSS * 1024 - baselineRss) / 2 ** 20);
  console.log(JSON.stringify({ id, medianMs: times[Math.floor(RUNS / 2)], peakGrowthMb, seen }));
}

interface Result {
  id: Case;
  medianMs: number;
  peakGrowthMb: number;
  seen: number;
}

export async function benchSourceRead(): Promise<{ goal: string; ok: boolean }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gapscope-bench-source-'));
  const tls = makeLabTls(dir, ['127.0.0.1']);
  const gz = gzipSync(scaledPayload(MEGABYTES));
  const gzFile = join(dir, 'cadvisor.gz');
  const tokenFile = join(dir, 'token');
  writeFileSync(gzFile, gz);
  writeFileSync(tokenFile, 'bench-token\n');
  // A kubelet as the lab's: gzip when asked, the whole body at once.
  const server = createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    response.end(gzip ? gz : gunzipSync(gz));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const target: Target = { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, caFile: tls.caFile, tokenFile, gzFile };
  const results: Result[] = [];
  try {
    for (const { id } of CASES) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--conditions=react-server', '--import', 'tsx', __filename, '--child', id, JSON.stringify(target)], { cwd: resolve(__dirname, '..'), maxBuffer: 1 << 20 });
      results.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Result);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
  const get = (id: Case) => results.find((result) => result.id === id)!;
  console.log(`\nSource read: a ${MEGABYTES} MB cAdvisor payload (${(gz.length / 2 ** 20).toFixed(1)} MB gzip) over HTTPS on loopback, median of ${RUNS} runs`);
  for (const { id, label } of CASES) {
    const result = get(id);
    console.log(`${label.padEnd(42)}${`${result.medianMs.toFixed(0)} ms`.padStart(10)}${`${result.peakGrowthMb.toFixed(0)} MB`.padStart(10)}${`${(result.medianMs / get('gapscope').medianMs).toFixed(1)}x`.padStart(8)}`);
  }
  const checks = [
    { goal: 'source read >= 4x fetch() + text() + prom2javascript', ok: get('fetch-text-prom2javascript').medianMs / get('gapscope').medianMs >= 4 },
    { goal: 'source read <= 1.5x the floor (gunzipSync + scan)', ok: get('gapscope').medianMs / get('floor').medianMs <= 1.5 },
    { goal: 'source read peak memory growth <= 32 MB', ok: get('gapscope').peakGrowthMb <= 32 },
  ];
  for (const check of checks) console.log(`  ${check.ok ? 'met ' : 'MISSED'}  ${check.goal}`);
  return checks;
}

if (process.argv[2] === '--child') void measure(process.argv[3] as Case, JSON.parse(process.argv[4]!) as Target);
