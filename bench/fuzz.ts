/**
 * `npm run fuzz`: at least 100,000 generated exposition bodies through the scanner, whole and in random
 * chunkings. Reports throws (the scanner must turn any input into samples and issues), mismatches (a
 * chunking must not change what is read) and the slowest input; exits non-zero on any throw or mismatch.
 * Not part of `npm test`: it is long by design. `npm run fuzz -- 200000 7` sets the count and the seed.
 */
import { ExpositionScanner, type ExpositionSample } from '@/lib/exposition/scanner';

const count = Number(process.argv[2] ?? 100_000);
let seed = Number(process.argv[3] ?? 1) >>> 0 || 1;

/** xorshift32: the same inputs for the same seed, so a failure can be replayed. */
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const repeat = (text: string, times: number) => text.repeat(Math.max(0, times));

/** Pieces of well-formed and broken exposition text, the shapes hostile or buggy exporters send. */
const NAMES = ['up', 'container_cpu_usage_seconds_total', 'node_filesystem_size_bytes', 'a', '_x', '1bad', 'weird:name', ''];
const VALUES = ['1', '0', '-1.5', '1e308', '1e999', 'NaN', '+Inf', '-Inf', '0x1f', '', '1_000', `${'9'.repeat(2000)}x`, '.5', '5.', 'nope'];
const LABEL_VALUES = ['', 'v', 'a\\"b', 'new\\nline', 'back\\\\slash', 'ünïcødé', '\\q', repeat('x', 300), '"', '}', ','];

function line(): string {
  const kind = random();
  if (kind < 0.1) return `# HELP ${pick(NAMES)} ${pick(LABEL_VALUES)}`;
  if (kind < 0.2) return `# TYPE ${pick(NAMES)} ${pick(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'bogus'])}`;
  if (kind < 0.25) return pick(['# EOF', '#', '   ', '', '\r', '{}', '}{', 'a{', 'a{b', 'a{b=', 'a{b="', 'a{b="c"', 'a{b="c"}']);
  const labels = Array.from({ length: Math.floor(random() * 4) }, () => `${pick(['job', 'instance', 'id', 'le', '__proto__', 'pod', 'x'])}${pick(['="', '= "', '="'])}${pick(LABEL_VALUES)}"`);
  const set = labels.length > 0 || random() < 0.2 ? `{${labels.join(pick([',', ', ', ',,']))}${random() < 0.2 ? ',' : ''}}` : '';
  const timestamp = random() < 0.2 ? ` ${pick(['1700000000000', '-1', '17e11', 'x'])}` : '';
  return `${pick(NAMES)}${set} ${pick(VALUES)}${timestamp}`;
}

function body(): Buffer {
  const lines = Array.from({ length: 1 + Math.floor(random() * 12) }, line);
  const text = lines.join(pick(['\n', '\n', '\r\n'])) + (random() < 0.8 ? '\n' : '');
  const bytes = Buffer.from(text, 'utf8');
  // Now and then a byte flipped, to reach the paths no generator thought of.
  if (random() < 0.1 && bytes.length > 0) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  return bytes;
}

function chunks(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 4 : 64));
    parts.push(bytes.subarray(start, start + size));
    start += size;
  }
  return parts;
}

function scan(parts: Buffer[]) {
  const samples: ExpositionSample[] = [];
  let issues = 0;
  const scanner = new ExpositionScanner({ onSample: (sample) => void samples.push(sample), onIssue: () => void issues++, maxLineBytes: 4096 });
  for (const part of parts) scanner.push(part);
  const summary = scanner.end();
  return { samples: JSON.stringify(samples), lines: summary.lines, issues };
}

let throws = 0;
let mismatches = 0;
let slowest = { ms: 0, input: '' };
for (let index = 0; index < count; index++) {
  const bytes = body();
  const started = performance.now();
  try {
    const whole = scan([bytes]);
    const pieces = scan(chunks(bytes));
    if (whole.samples !== pieces.samples || whole.lines !== pieces.lines) {
      mismatches++;
      if (mismatches <= 5) console.log(`mismatch #${index}: ${JSON.stringify(bytes.toString('latin1')).slice(0, 300)}`);
    }
  } catch (error) {
    throws++;
    if (throws <= 5) console.log(`throw #${index}: ${(error as Error).message} on ${JSON.stringify(bytes.toString('latin1')).slice(0, 300)}`);
  }
  const ms = performance.now() - started;
  if (ms > slowest.ms) slowest = { ms, input: bytes.toString('latin1') };
}

console.log(`${count} inputs, whole and chunked: ${throws} throws, ${mismatches} mismatches`);
console.log(`slowest: ${slowest.ms.toFixed(2)} ms for ${slowest.input.length} bytes: ${JSON.stringify(slowest.input).slice(0, 160)}`);
process.exitCode = throws + mismatches === 0 ? 0 : 1;
