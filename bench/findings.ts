/**
 * The node findings request against the lab: median server time of GET /api/v1/nodes/{node}/findings
 * through `next start`, beside a bare route (/api/healthz, one Prometheus request) on the same server.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLab } from '@/lab/src/lab';
import { waitForHttp } from './http';

const PORT = 3190;
const ROOT = resolve(__dirname, '..');

async function medianMs(url: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchFindings(): Promise<void> {
  if (!existsSync(resolve(ROOT, '.next', 'BUILD_ID'))) execFileSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  const lab = await startLab({ octet: 31 });
  try {
    lab.startProcess({
      name: 'gapscope-bench',
      command: process.execPath,
      args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)],
      env: { ...process.env, ...lab.appEnv, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    });
    const base = `http://127.0.0.1:${PORT}`;
    await waitForHttp(`${base}/api/healthz`, 60_000);
    // Let Prometheus scrape every target twice, as the findings depend on it.
    await new Promise((done) => setTimeout(done, 12_000));
    for (let warm = 0; warm < 5; warm++) await fetch(`${base}/api/v1/nodes/lab-volumes/findings`).then((response) => response.arrayBuffer());
    const rows: [string, number][] = [
      ['GET /api/healthz (bare route, 1 Prometheus request)', await medianMs(`${base}/api/healthz`, 30)],
      ['GET /api/v1/nodes/lab-healthy/findings', await medianMs(`${base}/api/v1/nodes/lab-healthy/findings`, 30)],
      ['GET /api/v1/nodes/lab-volumes/findings (kubelet read too)', await medianMs(`${base}/api/v1/nodes/lab-volumes/findings`, 30)],
      ['GET /api/v1/nodes/lab-unauthorized/findings', await medianMs(`${base}/api/v1/nodes/lab-unauthorized/findings`, 30)],
    ];
    console.log(`\nNode findings against the default lab (${lab.nodes.length} nodes), median of 30 requests, next start`);
    for (const [label, ms] of rows) console.log(`${label.padEnd(62)}${`${ms.toFixed(1)} ms`.padStart(12)}${`${(ms / rows[0]![1]).toFixed(1)}x`.padStart(8)}`);
  } finally {
    await lab.stop();
  }
}
