/**
 * The node findings request against the lab: median server time of GET /api/v1/nodes/{node}/findings
 * through `next start`, beside a bare route (/api/healthz, one Prometheus request) on the same server, and
 * lab-cadvisor's page with its source read (/metrics/cadvisor, /stats/summary) beside the same page from a
 * second server whose kubelet mode is off.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLab } from '@/lab/src/lab';
import { waitForHttp } from './http';

const PORT = 3190;
const ROOT = resolve(__dirname, '..');

async function medianMs(urlOf: (run: number) => string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const url = urlOf(run);
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchFindings(): Promise<{ goal: string; ok: boolean }[]> {
  if (!existsSync(resolve(ROOT, '.next', 'BUILD_ID'))) execFileSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  const lab = await startLab({ octet: 31 });
  try {
    // The same build twice: with the lab's kubelet mode (direct), and with the kubelet mode off.
    const start = (port: number, kubeletMode: 'direct' | 'off') =>
      lab.startProcess({
        name: `gapscope-bench-${kubeletMode}`,
        command: process.execPath,
        args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
        env: { ...process.env, ...lab.appEnv, GAPSCOPE_KUBELET_MODE: kubeletMode, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      });
    start(PORT, 'direct');
    start(PORT + 1, 'off');
    const base = `http://127.0.0.1:${PORT}`;
    const off = `http://127.0.0.1:${PORT + 1}`;
    await waitForHttp(`${base}/api/healthz`, 60_000);
    await waitForHttp(`${off}/api/healthz`, 60_000);
    // Let Prometheus scrape every target twice, as the findings depend on it.
    await new Promise((done) => setTimeout(done, 12_000));
    for (let warm = 0; warm < 5; warm++) {
      await fetch(`${base}/api/v1/nodes/lab-volumes/findings`).then((response) => response.arrayBuffer());
      await fetch(`${off}/api/v1/nodes/lab-cadvisor/findings`).then((response) => response.arrayBuffer());
    }
    // Identical views within a second share one computation: each request asks a range of its own.
    const distinct = (url: string) => (run: number) => `${url}?from=now-${360 + run}m&to=now`;
    const rows: [string, number][] = [
      ['GET /api/healthz (bare route, 1 Prometheus request)', await medianMs(() => `${base}/api/healthz`, 30)],
      ['GET /api/v1/nodes/lab-healthy/findings', await medianMs(distinct(`${base}/api/v1/nodes/lab-healthy/findings`), 30)],
      ['GET /api/v1/nodes/lab-volumes/findings (kubelet read too)', await medianMs(distinct(`${base}/api/v1/nodes/lab-volumes/findings`), 30)],
      ['GET /api/v1/nodes/lab-unauthorized/findings', await medianMs(distinct(`${base}/api/v1/nodes/lab-unauthorized/findings`), 30)],
      ['GET /api/v1/nodes/lab-cadvisor/findings, kubelet mode off', await medianMs(distinct(`${off}/api/v1/nodes/lab-cadvisor/findings`), 30)],
      ['GET /api/v1/nodes/lab-cadvisor/findings, source read', await medianMs(distinct(`${base}/api/v1/nodes/lab-cadvisor/findings`), 30)],
    ];
    console.log(`\nNode findings against the default lab (${lab.nodes.length} nodes), median of 30 requests, next start`);
    for (const [label, ms] of rows) console.log(`${label.padEnd(62)}${`${ms.toFixed(1)} ms`.padStart(12)}${`${(ms / rows[0]![1]).toFixed(1)}x`.padStart(8)}`);
    const ratio = rows[5]![1] / rows[4]![1];
    const checks = [{ goal: `node page with the source read <= 1.5x the same page with the kubelet mode off (${ratio.toFixed(2)}x)`, ok: ratio <= 1.5 }];
    for (const check of checks) console.log(`  ${check.ok ? 'met ' : 'MISSED'}  ${check.goal}`);
    return checks;
  } finally {
    await lab.stop();
  }
}
