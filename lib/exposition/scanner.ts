/**
 * A streaming reader of the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text.
 * https://prometheus.io/docs/instrumenting/exposition_formats/ and
 * https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md
 *
 * Written here rather than taken from npm because it measurably has to be: a kubelet's /metrics/cadvisor is
 * tens of megabytes, and the detectors read a handful of its families. parse-prometheus-text-format needs the
 * whole body as one string and builds an object per sample (about 1.5 s and 700 MB for 20 MB in
 * ../shared/LAB-NOTES.md); this scanner reads Buffer chunks as they arrive, finds lines with the native
 * indexOf, carries only a partial line between chunks, and skips the lines of families nobody asked for
 * without decoding them (their names are hashed as bytes). `npm run bench` prints the figures side by side.
 *
 * A malformed line is reported with its line number and the scan goes on; nothing here throws on input.
 * Lines of families that were not asked for are skipped unread, so they are not validated.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'untyped' | 'unknown';
export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface ExpositionSample {
  /** The family the sample belongs to (`x` for `x_bucket`, `x_sum`, `x_count`, OpenMetrics' `x_total`). */
  family: string;
  /** The sample's own name. */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | null;
}

export interface FamilyMeta {
  name: string;
  type: MetricType;
  help: string;
  unit: string;
}

export interface ParseIssue {
  line: number;
  message: string;
  excerpt: string;
}

export interface ScanOptions {
  format?: ExpositionFormat;
  /** Decode only these families (or sample names); every other line is skipped unread. Default: all. */
  families?: Iterable<string>;
  onSample: (sample: ExpositionSample) => void;
  onIssue?: (issue: ParseIssue) => void;
  /** Longest line accepted; a longer one is an issue and is dropped. Default 1 MiB. */
  maxLineBytes?: number;
  /** Issues passed to onIssue; later ones are only counted, so garbage input cannot grow memory. Default 100. */
  maxReportedIssues?: number;
}

export interface ScanSummary {
  lines: number;
  samples: number;
  skippedLines: number;
  issues: number;
  families: Map<string, FamilyMeta>;
  /** OpenMetrics requires a final `# EOF`; its absence means a truncated body. */
  sawEof: boolean;
  bytes: number;
}

const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
  stateset: [],
  untyped: [],
  unknown: [],
};

const TYPES = new Set<string>(Object.keys(SUFFIXES));

const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const HASH = 35;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const EQUALS = 61;

function isNameByte(byte: number, first: boolean): boolean {
  return (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte === 95 || byte === 58 || (!first && byte >= 48 && byte <= 57);
}

function isLabelNameByte(byte: number, first: boolean): boolean {
  return (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte === 95 || (!first && byte >= 48 && byte <= 57);
}

function skipBlanks(buffer: Uint8Array, position: number, end: number): number {
  while (position < end && (buffer[position] === SPACE || buffer[position] === TAB)) position++;
  return position;
}

function fnv1a(buffer: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) hash = Math.imul(hash ^ buffer[index]!, 0x01000193);
  return hash >>> 0;
}

function sameBytes(buffer: Uint8Array, start: number, text: string): boolean {
  for (let index = 0; index < text.length; index++) if (buffer[start + index] !== text.charCodeAt(index)) return false;
  return true;
}

/** Go's strconv.ParseFloat for what exporters write: decimals, exponents, NaN and signed infinities. */
export function parseSampleValue(text: string): number | null {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
    case '+inf':
    case 'inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
    case '-inf':
      return Number.NEGATIVE_INFINITY;
  }
  // Number() accepts what Go rejects too ("", "0x1f", "1_0" is NaN already); only those need the slow check.
  const value = Number(text);
  if (Number.isNaN(value) || !Number.isFinite(value) || text === '' || /[xXbBoO]/.test(text)) {
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : null;
  }
  return value;
}

interface CurrentFamily {
  meta: FamilyMeta;
  wanted: boolean;
}

export class ExpositionScanner {
  private carry: Buffer | null = null;
  /** Inside an overlong line, skipping to its end. */
  private dropping = false;
  private current: CurrentFamily | null = null;
  private readonly wanted: Map<number, string[]> | null;
  private readonly format: ExpositionFormat;
  private readonly maxLineBytes: number;
  private readonly summary: ScanSummary = { lines: 0, samples: 0, skippedLines: 0, issues: 0, families: new Map(), sawEof: false, bytes: 0 };

  constructor(private readonly options: ScanOptions) {
    this.format = options.format ?? 'prometheus';
    this.maxLineBytes = options.maxLineBytes ?? 1 << 20;
    if (options.families) {
      this.wanted = new Map();
      for (const name of options.families) {
        const hash = fnv1a(Buffer.from(name, 'latin1'), 0, name.length);
        this.wanted.set(hash, [...(this.wanted.get(hash) ?? []), name]);
      }
    } else {
      this.wanted = null;
    }
  }

  push(chunk: Uint8Array): void {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.summary.bytes += buffer.length;
    let start = 0;
    if (this.carry || this.dropping) {
      const newline = buffer.indexOf(LF);
      if (newline === -1) {
        if (this.carry && this.carry.length + buffer.length > this.maxLineBytes) this.startDropping(this.carry);
        else if (this.carry) this.carry = Buffer.concat([this.carry, buffer]);
        return;
      }
      if (this.dropping) {
        this.dropping = false;
        this.summary.lines++;
      } else if (this.carry) {
        const line = Buffer.concat([this.carry, buffer.subarray(0, newline)]);
        this.carry = null;
        this.line(line, 0, line.length);
      }
      start = newline + 1;
    }
    for (;;) {
      const newline = buffer.indexOf(LF, start);
      if (newline === -1) break;
      this.line(buffer, start, newline);
      start = newline + 1;
    }
    if (start < buffer.length) {
      // Copied: the caller may reuse its chunk.
      if (buffer.length - start > this.maxLineBytes) this.startDropping(buffer.subarray(start));
      else this.carry = Buffer.from(buffer.subarray(start));
    }
  }

  end(): ScanSummary {
    if (this.dropping) {
      this.dropping = false;
      this.summary.lines++;
    }
    if (this.carry && this.carry.length > 0) {
      const line = this.carry;
      this.carry = null;
      this.line(line, 0, line.length);
    }
    if (this.format === 'openmetrics' && !this.summary.sawEof) this.issue('missing the final "# EOF": the body may be truncated', '');
    return this.summary;
  }

  /** A line longer than the limit: reported once, then dropped up to its newline. */
  private startDropping(head: Uint8Array): void {
    this.issue(`line longer than ${this.maxLineBytes} bytes dropped`, Buffer.from(head.subarray(0, 80)).toString('latin1'), this.summary.lines + 1);
    this.carry = null;
    this.dropping = true;
  }

  private issue(message: string, excerpt: string, line = this.summary.lines): void {
    this.summary.issues++;
    if (this.summary.issues > (this.options.maxReportedIssues ?? 100)) return;
    this.options.onIssue?.({ line, message, excerpt: excerpt.length > 120 ? `${excerpt.slice(0, 120)}…` : excerpt });
  }

  private line(buffer: Buffer, start: number, end: number): void {
    this.summary.lines++;
    if (end > start && buffer[end - 1] === CR) end--;
    start = skipBlanks(buffer, start, end);
    if (start === end) return;
    if (end - start > this.maxLineBytes) {
      this.issue(`line longer than ${this.maxLineBytes} bytes dropped`, buffer.toString('latin1', start, start + 80));
      return;
    }
    if (this.summary.sawEof) {
      this.issue('content after "# EOF"', buffer.toString('utf8', start, Math.min(end, start + 120)));
      return;
    }
    if (buffer[start] === HASH) this.comment(buffer.toString('utf8', start, end));
    else this.sample(buffer, start, end);
  }

  private comment(text: string): void {
    const match = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(text);
    if (!match) {
      if (/^#\s*EOF\s*$/.test(text)) this.summary.sawEof = true;
      return; // other comments are allowed and ignored
    }
    const [, keyword, name = '', rest = ''] = match;
    let meta = this.summary.families.get(name);
    if (!meta) {
      meta = { name, type: 'untyped', help: '', unit: '' };
      this.summary.families.set(name, meta);
    }
    if (keyword === 'TYPE') {
      const type = rest.trim();
      if (!TYPES.has(type)) this.issue(`unknown metric type "${type}" for ${name}`, text);
      else meta.type = type as MetricType;
    } else if (keyword === 'HELP') {
      meta.help = rest.replace(/\\(\\|n)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : '\\'));
    } else {
      meta.unit = rest.trim();
    }
    if (this.current?.meta !== meta) this.current = { meta, wanted: this.isWantedName(name) };
  }

  private isWantedName(name: string): boolean {
    if (!this.wanted) return true;
    return this.wanted.get(fnv1a(Buffer.from(name, 'latin1'), 0, name.length))?.includes(name) ?? false;
  }

  /** Is the sample name in buffer[start, end) the current family's name or name + one of its type's suffixes? */
  private inCurrentFamily(buffer: Buffer, start: number, end: number): boolean {
    const current = this.current;
    if (!current) return false;
    const { name, type } = current.meta;
    const length = end - start;
    if (length < name.length || !sameBytes(buffer, start, name)) return false;
    if (length === name.length) return true;
    return SUFFIXES[type].some((suffix) => length === name.length + suffix.length && sameBytes(buffer, start + name.length, suffix));
  }

  private isWantedSample(buffer: Buffer, start: number, end: number): boolean {
    if (!this.wanted) return true;
    if (this.current?.wanted && this.inCurrentFamily(buffer, start, end)) return true;
    const candidates = this.wanted.get(fnv1a(buffer, start, end));
    return candidates?.some((candidate) => candidate.length === end - start && sameBytes(buffer, start, candidate)) ?? false;
  }

  private sample(buffer: Buffer, start: number, end: number): void {
    let position = start;
    if (!isNameByte(buffer[position]!, true)) {
      this.issue('expected a metric name', buffer.toString('utf8', start, Math.min(end, start + 120)));
      return;
    }
    while (position < end && isNameByte(buffer[position]!, false)) position++;
    const nameEnd = position;
    if (!this.isWantedSample(buffer, start, nameEnd)) {
      this.summary.skippedLines++;
      return;
    }
    // A wanted line is decoded once; the rest works on the string with native indexOf and cheap slices.
    const line = buffer.toString('utf8', start, end);
    const family = this.current && this.inCurrentFamily(buffer, start, nameEnd) ? this.current.meta.name : null;
    const sample = this.parseLine(line, nameEnd - start);
    if (typeof sample === 'string') {
      this.issue(sample, line);
      return;
    }
    sample.family = family ?? sample.name;
    this.summary.samples++;
    this.options.onSample(sample);
  }

  /** Parses a decoded sample line whose metric name ends at `nameLength`; returns the sample or what is wrong. */
  private parseLine(line: string, nameLength: number): ExpositionSample | string {
    const name = line.slice(0, nameLength);
    const labels: Record<string, string> = {};
    let position = nameLength;
    if (line.charCodeAt(position) === OPEN_BRACE) {
      const after = parseLabels(line, position + 1, labels, line.includes('\\'));
      if (typeof after === 'string') return after;
      position = after;
    }
    const blank = line.charCodeAt(position);
    if (blank !== SPACE && blank !== TAB) return position >= line.length ? `no value for ${name}` : `unexpected character after ${name}`;
    const valueToken = nextToken(line, position);
    const valueText = valueToken ? line.slice(valueToken[0], valueToken[1]) : '';
    const value = parseSampleValue(valueText);
    if (value === null || !valueToken) return `"${valueText}" is not a sample value`;
    let timestampMs: number | null = null;
    const timestampToken = nextToken(line, valueToken[1]);
    if (timestampToken && line.charCodeAt(timestampToken[0]) !== HASH) {
      const timestampText = line.slice(timestampToken[0], timestampToken[1]);
      const openMetrics = this.format === 'openmetrics';
      const timestamp = openMetrics ? parseSampleValue(timestampText) : /^-?\d+$/.test(timestampText) ? Number(timestampText) : null;
      if (timestamp === null || !Number.isFinite(timestamp)) return `"${timestampText}" is not a timestamp`;
      timestampMs = openMetrics ? Math.round(timestamp * 1000) : timestamp;
      // OpenMetrics allows an exemplar after the timestamp; anything else is an error.
      const rest = nextToken(line, timestampToken[1]);
      if (rest && line.charCodeAt(rest[0]) !== HASH) return 'unexpected text after the timestamp';
    }
    return { family: name, name, labels, value, timestampMs };
  }
}

/** Parses `name="value",...}` from `position`; returns the index after `}` or what is wrong. */
function parseLabels(line: string, position: number, labels: Record<string, string>, mayHaveEscapes: boolean): number | string {
  for (;;) {
    while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
    if (line.charCodeAt(position) === CLOSE_BRACE) return position + 1;
    const nameStart = position;
    if (!isLabelNameByte(line.charCodeAt(position), true)) return 'expected a label name or "}"';
    while (isLabelNameByte(line.charCodeAt(position), false)) position++;
    const labelName = line.slice(nameStart, position);
    // Blanks may surround "=", as Prometheus' own parser allows.
    while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
    if (line.charCodeAt(position) !== EQUALS) return `expected ="..." after label ${labelName}`;
    position++;
    while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
    if (line.charCodeAt(position) !== QUOTE) return `expected ="..." after label ${labelName}`;
    const valueStart = position + 1;
    let close = line.indexOf('"', valueStart);
    if (mayHaveEscapes) {
      // A quote preceded by an odd run of backslashes is escaped.
      while (close !== -1 && isEscaped(line, close)) close = line.indexOf('"', close + 1);
    }
    if (close === -1) return `unterminated value of label ${labelName}`;
    const raw = line.slice(valueStart, close);
    if (mayHaveEscapes && raw.includes('\\')) {
      const unescaped = unescapeLabelValue(raw);
      if (unescaped === null) return `invalid escape in label ${labelName}`;
      labels[labelName] = unescaped;
    } else {
      labels[labelName] = raw;
    }
    position = close + 1;
    while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
    if (line.charCodeAt(position) === COMMA) position++;
    else if (line.charCodeAt(position) !== CLOSE_BRACE) return `expected "," or "}" after label ${labelName}`;
  }
}

/** The next blank-separated token from `position`: [start, end), or null at the end of the line. */
function nextToken(line: string, position: number): [number, number] | null {
  while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
  if (position >= line.length) return null;
  let end = position;
  while (end < line.length && line.charCodeAt(end) !== SPACE && line.charCodeAt(end) !== TAB) end++;
  return [position, end];
}

function isEscaped(line: string, index: number): boolean {
  let backslashes = 0;
  while (line.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

/** `\\`, `\"` and `\n` are the only escapes in label values. */
function unescapeLabelValue(raw: string): string | null {
  let valid = true;
  const result = raw.replace(/\\(.)/g, (_, escaped: string) => {
    if (escaped === 'n') return '\n';
    if (escaped === '\\' || escaped === '"') return escaped;
    valid = false;
    return '';
  });
  return valid ? result : null;
}

export interface ParsedFamily extends FamilyMeta {
  samples: ExpositionSample[];
}

/** The full parser: every (wanted) sample as an object, grouped by family, plus the issues found. */
export function parseExposition(input: string | Uint8Array, options: Omit<ScanOptions, 'onSample' | 'onIssue'> = {}): { families: ParsedFamily[]; issues: ParseIssue[]; summary: ScanSummary } {
  const byFamily = new Map<string, ExpositionSample[]>();
  const issues: ParseIssue[] = [];
  const scanner = new ExpositionScanner({
    ...options,
    onSample: (sample) => {
      let samples = byFamily.get(sample.family);
      if (!samples) {
        samples = [];
        byFamily.set(sample.family, samples);
      }
      samples.push(sample);
    },
    onIssue: (issue) => issues.push(issue),
  });
  scanner.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  const summary = scanner.end();
  const families = [...byFamily].map(([name, samples]) => ({ ...(summary.families.get(name) ?? { name, type: 'untyped' as const, help: '', unit: '' }), samples }));
  return { families, issues, summary };
}
