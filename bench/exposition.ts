/**
 * Part of `npm run bench`: gapscope's exposition scanner and full parser against parse-prometheus-text-format
 * and prom2javascript, on 20 MB and 60 MB cAdvisor payloads built deterministically by scaling up the real
 * k8s 1.35 capture in ../shared/fixtures/real. Each (parser, size) runs in a fresh child process so that peak
 * memory is its own: the figure is the growth of peak RSS over the process with its payload loaded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { getMetricsFromStream } from 'prom2javascript';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { REAL_FIXTURES } from '@/lab/test-support/fixtures';

const SIZES_MB = [20, 60] as const;
const CHUNK = 64 * 1024;
/** What the cAdvisor detectors read: per-cgroup liveness and start times, with their labels. */
export const DETECTOR_FAMILIES = ['container_last_seen', 'container_start_time_seconds'];
const CACHE = resolve(__dirname, '..', '.lab', 'bench');

type Case = 'scan' | 'full' | 'parse-prometheus-text-format' | 'prom2javascript';
const CASES: { id: Case; label: string }[] = [
  { id: 'scan', label: 'gapscope scan (detector families)' },
  { id: 'full', label: 'gapscope full parse (object per series)' },
  { id: 'parse-prometheus-text-format', label: 'parse-prometheus-text-format 1.1' },
  { id: 'prom2javascript', label: 'prom2javascript 0.2' },
];

/**
 * Repeats every per-pod series of the capture with new pod UIDs, container ids and pod names until the
 * payload reaches `megabytes`; node-level series (no pod) stay once. Families stay together.
 */
export function scaledPayload(megabytes: number): Buffer {
  const file = join(CACHE, `cadvisor-${megabytes}mb.txt`);
  if (existsSync(file)) return readFileSync(file);
  const source = readFileSync(join(REAL_FIXTURES, 'nri-kubernetes', 'k8s-1.35_kubelet_metrics_cadvisor.txt'), 'utf8');
  const blocks = source.split(/(?=^# HELP )/m);
  const perReplica = source.split('\n').filter((line) => line.includes('pod="') && !line.includes('pod=""')).join('\n').length;
  const replicas = Math.max(1, Math.ceil((megabytes * 1e6 - source.length) / perReplica) + 1);
  const out: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter(Boolean);
    for (const line of lines) {
      if (line.startsWith('#') || !line.includes('pod="') || line.includes('pod=""')) {
        out.push(line);
        continue;
      }
      for (let replica = 0; replica < replicas; replica++) {
        if (replica === 0) {
          out.push(line);
          continue;
        }
        const tag = replica.toString(16).padStart(8, '0');
        out.push(
          line
            .replace(/pod([0-9a-f]{8})/g, `pod${tag}`)
            .replace(/([/"])[0-9a-f]{8}([0-9a-f]{56})/g, `$1${tag}$2`)
            .replace(/pod="([^"]+)"/, `pod="$1-r${replica}"`),
        );
      }
    }
  }
  const text = `${out.join('\n')}\n`;
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, text.slice(0, text.lastIndexOf('\n', megabytes * 1e6) + 1));
  return readFileSync(file);
}

function chunksOf(buffer: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += CHUNK) chunks.push(Buffer.from(buffer.subarray(offset, offset + CHUNK)));
  return chunks;
}

/** One run of one case; returns how many samples (or families) it saw, so the work cannot be skipped. */
async function runOnce(id: Case, payload: { buffer: Buffer; text: string; chunks: Buffer[] }): Promise<number> {
  switch (id) {
    case 'scan': {
      let emptyImage = 0;
      const scanner = new ExpositionScanner({ families: DETECTOR_FAMILIES, onSample: (sample) => void (sample.labels.image === '' && emptyImage++) });
      for (const chunk of payload.chunks) scanner.push(chunk);
      return scanner.end().samples + emptyImage;
    }
    case 'full':
      return parseExposition(payload.buffer).summary.samples;
    case 'parse-prometheus-text-format':
      return parsePrometheusTextFormat(payload.text).length;
    case 'prom2javascript':
      return Object.keys(await getMetricsFromStream(Readable.from(payload.chunks))).length;
  }
}

/** Child: measure one case at one size, print JSON. */
async function measure(id: Case, megabytes: number): Promise<void> {
  const buffer = scaledPayload(megabytes);
  const payload = { buffer, text: buffer.toString('utf8'), chunks: chunksOf(buffer) };
  // One collection before the baseline, so that loading the payload is not counted as parsing.
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  // Untimed warm-up for at least a second (and one run), for every parser alike: a server runs warm.
  const warmUntil = Date.now() + 1_000;
  do await runOnce(id, payload);
  while (Date.now() < warmUntil);
  const runs = id === 'parse-prometheus-text-format' || id === 'prom2javascript' ? 3 : 7;
  const times: number[] = [];
  let seen = 0;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    seen = await runOnce(id, payload);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    // No forced collection between runs: it throws away the JIT's warm state and makes every run cold.
  }
  times.sort((a, b) => a - b);
  const peakGrowthMb = (process.resourceUsage().maxRSS * 1024 - baselineRss) / 2 ** 20;
  console.log(JSON.stringify({ id, megabytes, medianMs: times[Math.floor(times.length / 2)], peakGrowthMb: Math.max(0, peakGrowthMb), seen }));
}

interface Result {
  id: Case;
  megabytes: number;
  medianMs: number;
  peakGrowthMb: number;
  seen: number;
}

function runChild(id: Case, megabytes: number): Result {
  const output = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', __filename, '--child', id, String(megabytes)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Result;
}

export function benchParser(): { results: Result[]; checks: { goal: string; ok: boolean }[] } {
  for (const megabytes of SIZES_MB) scaledPayload(megabytes);
  const results = CASES.flatMap(({ id }) => SIZES_MB.map((megabytes) => runChild(id, megabytes)));
  const get = (id: Case, megabytes: number) => results.find((result) => result.id === id && result.megabytes === megabytes)!;
  const line = (cells: string[]) => console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(42) : cell.padStart(12))).join(''));
  console.log(`\nExposition parsing: cAdvisor payloads scaled from the real k8s 1.35 capture, ${CHUNK / 1024} KiB chunks, median of runs`);
  line(['parser', '20 MB ms', '60 MB ms', '60/20', 'mem 20 MB', 'mem 60 MB', 'vs pptf', 'vs p2j']);
  for (const { id, label } of CASES) {
    const [small, large] = [get(id, 20), get(id, 60)];
    line([
      label,
      small.medianMs.toFixed(0),
      large.medianMs.toFixed(0),
      (large.medianMs / small.medianMs).toFixed(2),
      `${small.peakGrowthMb.toFixed(0)} MB`,
      `${large.peakGrowthMb.toFixed(0)} MB`,
      `${(get('parse-prometheus-text-format', 20).medianMs / small.medianMs).toFixed(1)}x`,
      `${(get('prom2javascript', 20).medianMs / small.medianMs).toFixed(1)}x`,
    ]);
  }
  const speedup = (id: Case, peer: Case) => get(peer, 20).medianMs / get(id, 20).medianMs;
  const scanMem = [get('scan', 20).peakGrowthMb, get('scan', 60).peakGrowthMb];
  const checks = [
    { goal: 'scan >= 25x parse-prometheus-text-format', ok: speedup('scan', 'parse-prometheus-text-format') >= 25 },
    { goal: 'scan >= 8x prom2javascript', ok: speedup('scan', 'prom2javascript') >= 8 },
    { goal: 'scan peak memory growth <= 32 MB at 20 and 60 MB', ok: Math.max(...scanMem) <= 32 },
    { goal: 'scan memory the same at both sizes (within 8 MB)', ok: Math.abs(scanMem[1]! - scanMem[0]!) <= 8 },
    { goal: 'scan time(60 MB) / time(20 MB) <= 3.6', ok: get('scan', 60).medianMs / get('scan', 20).medianMs <= 3.6 },
    { goal: 'full parse >= 8x parse-prometheus-text-format', ok: speedup('full', 'parse-prometheus-text-format') >= 8 },
    { goal: 'full parse >= 3x prom2javascript', ok: speedup('full', 'prom2javascript') >= 3 },
  ];
  for (const check of checks) console.log(`  ${check.ok ? 'met ' : 'MISSED'}  ${check.goal}`);
  return { results, checks };
}

if (process.argv[2] === '--child') void measure(process.argv[3] as Case, Number(process.argv[4]));
