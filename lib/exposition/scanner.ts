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

import { isAscii } from 'node:buffer';

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
  /** Bytes copied to join lines split across chunks: at most about twice their length, however small the chunks. */
  carriedBytes: number;
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
  if (!Number.isFinite(value) || text === '' || hasRadixPrefix(text)) {
    // Unambiguous, so linear: `\d+\.?\d*` could split a run of digits n ways and backtrack quadratically on
    // a long run followed by a bad character (a 24 KB body stalled the process for seconds).
    return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : null;
  }
  return value;
}

/** Number() reads 0x1f, 0b1 and 0o7; Go's ParseFloat does not (signed forms are NaN for both). */
function hasRadixPrefix(text: string): boolean {
  const second = text.charCodeAt(1) | 0x20;
  return text.charCodeAt(0) === 48 && (second === 120 || second === 98 || second === 111);
}

interface CurrentFamily {
  meta: FamilyMeta;
  wanted: boolean;
}

export class ExpositionScanner {
  /** The start of a line split across chunks, as copied chunks: joined once, when its newline arrives. */
  private carry: Buffer[] = [];
  private carryLength = 0;
  /** Inside an overlong line, skipping to its end. */
  private dropping = false;
  private current: CurrentFamily | null = null;
  private readonly labelReader = new LabelReader();
  /** The metric name of the last sample line, and what it means under the current family. */
  private lastSampleName: { name: string; wanted: boolean; family: string } | null = null;

  /** Lines are about to be read from another string: forget where the searches in the last one stopped. */
  private newText(): void {
    this.backslashes.reset();
    this.labelReader.quotes.reset();
  }
  private readonly backslashes = new NextOccurrence('\\');
  private readonly wanted: Map<number, string[]> | null;
  private readonly format: ExpositionFormat;
  private readonly maxLineBytes: number;
  private readonly summary: ScanSummary = { lines: 0, samples: 0, skippedLines: 0, issues: 0, families: new Map(), sawEof: false, bytes: 0, carriedBytes: 0 };

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
    if (this.carryLength > 0 || this.dropping) {
      const newline = buffer.indexOf(LF);
      if (newline === -1) {
        if (this.dropping) return;
        if (this.carryLength + buffer.length > this.maxLineBytes) this.startDropping(this.carried());
        else this.keep(buffer);
        return;
      }
      if (this.dropping) {
        this.dropping = false;
        this.summary.lines++;
      } else {
        this.keep(buffer.subarray(0, newline));
        const line = this.carried();
        this.line(line, 0, line.length);
      }
      start = newline + 1;
    }
    // Every line is wanted: decode the chunk once, and each line becomes a slice of it that V8 need not copy.
    // Only for ASCII, where a character's index is its byte's; other chunks are decoded line by line as UTF-8.
    // Not when filtering: a kept label value would then hold on to its whole chunk.
    const text = this.wanted === null && isAscii(buffer) ? buffer.toString('latin1') : null;
    if (text !== null) this.newText();
    for (;;) {
      const newline = buffer.indexOf(LF, start);
      if (newline === -1) break;
      this.line(buffer, start, newline, text);
      start = newline + 1;
    }
    if (start < buffer.length) {
      if (buffer.length - start > this.maxLineBytes) this.startDropping(buffer.subarray(start));
      else this.keep(buffer.subarray(start));
    }
  }

  /** Keeps part of a line for the next chunk, copied: the caller may reuse its chunk. */
  private keep(part: Uint8Array): void {
    this.carry.push(Buffer.from(part));
    this.carryLength += part.length;
    this.summary.carriedBytes += part.length;
  }

  /** The kept parts joined into one line, and forgotten. */
  private carried(): Buffer {
    const line = this.carry.length === 1 ? this.carry[0]! : Buffer.concat(this.carry, this.carryLength);
    if (this.carry.length > 1) this.summary.carriedBytes += line.length;
    this.carry = [];
    this.carryLength = 0;
    return line;
  }

  end(): ScanSummary {
    if (this.dropping) {
      this.dropping = false;
      this.summary.lines++;
    }
    if (this.carryLength > 0) {
      const line = this.carried();
      this.line(line, 0, line.length);
    }
    if (this.format === 'openmetrics' && !this.summary.sawEof) this.issue('missing the final "# EOF": the body may be truncated', '');
    return this.summary;
  }

  /** A line longer than the limit: reported once, then dropped up to its newline. */
  private startDropping(head: Uint8Array): void {
    this.issue(`line longer than ${this.maxLineBytes} bytes dropped`, Buffer.from(head.subarray(0, 80)).toString('latin1'), this.summary.lines + 1);
    this.carry = [];
    this.carryLength = 0;
    this.dropping = true;
  }

  private issue(message: string, excerpt: string, line = this.summary.lines): void {
    this.summary.issues++;
    if (this.summary.issues > (this.options.maxReportedIssues ?? 100)) return;
    this.options.onIssue?.({ line, message, excerpt: excerpt.length > 120 ? `${excerpt.slice(0, 120)}…` : excerpt });
  }

  /** `text`, when given, is the whole buffer decoded. */
  private line(buffer: Buffer, start: number, end: number, text: string | null = null): void {
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
    else this.sample(buffer, start, end, text);
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
    if (this.current?.meta !== meta) {
      this.current = { meta, wanted: this.isWantedName(name) };
      this.lastSampleName = null;
    }
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

  private sample(buffer: Buffer, start: number, end: number, text: string | null): void {
    // Consecutive lines nearly always repeat the metric name: one comparison then settles the name, whether
    // it is wanted and its family, instead of three passes over it.
    let known = this.lastSampleName;
    if (known === null || !sameBytes(buffer, start, known.name) || isNameByte(buffer[start + known.name.length] ?? LF, false)) {
      let position = start;
      if (!isNameByte(buffer[position]!, true)) {
        this.issue('expected a metric name', buffer.toString('utf8', start, Math.min(end, start + 120)));
        return;
      }
      while (position < end && isNameByte(buffer[position]!, false)) position++;
      const name = buffer.toString('latin1', start, position); // name bytes are ASCII
      const wanted = this.isWantedSample(buffer, start, position);
      const family = this.current && this.inCurrentFamily(buffer, start, position) ? this.current.meta.name : name;
      known = this.lastSampleName = { name, wanted, family };
    }
    if (!known.wanted) {
      this.summary.skippedLines++;
      return;
    }
    // A wanted line is parsed in the decoded chunk, or else decoded alone; either way the rest works on a
    // string with native indexOf and cheap slices.
    if (text === null) this.newText();
    const sample = text === null ? this.parseLine(buffer.toString('utf8', start, end), 0, null, known.name) : this.parseLine(text, start, end, known.name);
    if (typeof sample === 'string') {
      this.issue(sample, text === null ? buffer.toString('utf8', start, end) : text.slice(start, end));
      return;
    }
    sample.family = known.family;
    this.summary.samples++;
    this.options.onSample(sample);
  }

  /**
   * Parses the sample line text[start, end) (end null: to the end of text), which starts with the metric
   * name `name`, already checked; returns the sample or what is wrong. Works on absolute indices so that a
   * line in a decoded chunk is never sliced out as a string of its own.
   */
  private parseLine(text: string, start: number, lineEnd: number | null, name: string): ExpositionSample | string {
    const end = lineEnd ?? text.length;
    let position = start + name.length;
    let labels: Record<string, string> = {};
    if (text.charCodeAt(position) === OPEN_BRACE) {
      const after = this.labelReader.read(text, position + 1, end, this.backslashes.within(text, start, end));
      if (typeof after === 'string') return after;
      labels = this.labelReader.labels;
      position = after;
    }
    const blank = position < end ? text.charCodeAt(position) : -1;
    if (blank !== SPACE && blank !== TAB) return position >= end ? `no value for ${name}` : `unexpected character after ${name}`;
    const valueStart = skipBlankChars(text, position, end);
    const valueEnd = tokenEnd(text, valueStart, end);
    // Most values are small integers: read those in place; anything else goes through parseSampleValue.
    let value = parseDigits(text, valueStart, valueEnd);
    if (value === null) {
      const valueText = text.slice(valueStart, valueEnd);
      value = parseSampleValue(valueText);
      if (value === null) return `"${valueText}" is not a sample value`;
    }
    let timestampMs: number | null = null;
    const timestampStart = skipBlankChars(text, valueEnd, end);
    if (timestampStart < end && text.charCodeAt(timestampStart) !== HASH) {
      const timestampEnd = tokenEnd(text, timestampStart, end);
      const openMetrics = this.format === 'openmetrics';
      const timestamp = openMetrics ? parseSampleValue(text.slice(timestampStart, timestampEnd)) : parseMilliseconds(text, timestampStart, timestampEnd);
      if (timestamp === null || !Number.isFinite(timestamp)) return `"${text.slice(timestampStart, timestampEnd)}" is not a timestamp`;
      timestampMs = openMetrics ? Math.round(timestamp * 1000) : timestamp;
      // OpenMetrics allows an exemplar after the timestamp; anything else is an error.
      const rest = skipBlankChars(text, timestampEnd, end);
      if (rest < end && text.charCodeAt(rest) !== HASH) return 'unexpected text after the timestamp';
    }
    return { family: name, name, labels, value, timestampMs };
  }
}

/**
 * Where the next occurrence of one character is, from a position onwards, remembered between calls: a
 * scan through a whole chunk with many `indexOf` calls from increasing positions stays linear, even when the
 * character is rare or absent (each call would otherwise search to the end of the chunk). `reset` must be
 * called whenever the text changes (comparing texts would cost as much as the search).
 */
class NextOccurrence {
  private from = Number.POSITIVE_INFINITY;
  private found = -1;

  constructor(private readonly char: string) {}

  reset(): void {
    this.from = Number.POSITIVE_INFINITY;
  }

  /** The first index >= position of the character in text, or -1. */
  at(text: string, position: number): number {
    if (position < this.from || (this.found !== -1 && position > this.found)) {
      this.from = position;
      this.found = text.indexOf(this.char, position);
    }
    return this.found;
  }

  within(text: string, start: number, end: number): boolean {
    const found = this.at(text, start);
    return found !== -1 && found < end;
  }
}

type LabelsFactory = (values: string[]) => Record<string, string>;

/**
 * Reads `name="value",...}` label sets, line after line.
 *
 * Written for speed, which the full parser's goal needs (see `npm run bench`). Consecutive lines nearly always
 * carry the same label names in the same order, so the reader keeps the previous line's names and reuses those
 * very strings (no slice, no allocation), and builds each labels object with a factory made once per name
 * sequence: an object literal with constant keys, which V8 allocates with its final shape at once, instead of
 * growing an empty object key by key. Label names are checked to be [a-zA-Z_][a-zA-Z0-9_]* before they
 * reach the generated code, and JSON-quoted in it. With the other measures in this file (a chunk decoded once,
 * a metric name compared once, numbers read in place) the full parse of the 20 MB bench payload went from
 * about 320 to about 160 ms.
 */
class LabelReader {
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private factory: LabelsFactory | null = null;

  /** The labels of the last successful read. */
  labels: Record<string, string> = {};

  readonly quotes = new NextOccurrence('"');

  /**
   * Parses text from `position` (just after `{`) up to the line's `end`; returns the index after `}` (the
   * labels are then in `labels`) or what is wrong.
   */
  read(line: string, position: number, end: number, mayHaveEscapes: boolean): number | string {
    const { names, values } = this;
    let changed = false;
    let count = 0;
    for (;;) {
      while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
      if (line.charCodeAt(position) === CLOSE_BRACE) break;
      const nameStart = position;
      let labelName = names[count];
      if (labelName !== undefined && line.startsWith(labelName, position) && !isLabelNameByte(line.charCodeAt(position + labelName.length), false)) {
        position += labelName.length;
      } else {
        if (!isLabelNameByte(line.charCodeAt(position), true)) return 'expected a label name or "}"';
        while (isLabelNameByte(line.charCodeAt(position), false)) position++;
        labelName = line.slice(nameStart, position);
        names[count] = labelName;
        changed = true;
      }
      // Blanks may surround "=", as Prometheus' own parser allows.
      while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
      if (line.charCodeAt(position) !== EQUALS) return `expected ="..." after label ${labelName}`;
      position++;
      while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
      if (line.charCodeAt(position) !== QUOTE) return `expected ="..." after label ${labelName}`;
      const valueStart = position + 1;
      let close = this.quotes.at(line, valueStart);
      if (mayHaveEscapes) {
        // A quote preceded by an odd run of backslashes is escaped.
        while (close !== -1 && close < end && isEscaped(line, close)) close = this.quotes.at(line, close + 1);
      }
      if (close === -1 || close >= end) return `unterminated value of label ${labelName}`;
      const raw = line.slice(valueStart, close);
      if (mayHaveEscapes && raw.includes('\\')) {
        const unescaped = unescapeLabelValue(raw);
        if (unescaped === null) return `invalid escape in label ${labelName}`;
        values[count] = unescaped;
      } else {
        values[count] = raw;
      }
      count++;
      position = close + 1;
      while (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB) position++;
      if (line.charCodeAt(position) === COMMA) position++;
      else if (line.charCodeAt(position) !== CLOSE_BRACE) return `expected "," or "}" after label ${labelName}`;
    }
    if (count !== names.length) {
      names.length = count;
      values.length = count;
      changed = true;
    }
    if (changed || !this.factory) this.factory = this.factoryFor(names);
    this.labels = this.factory(values);
    return position + 1;
  }

  private factoryFor(names: readonly string[]): LabelsFactory {
    const key = names.join(',');
    let factory = FACTORIES.get(key);
    if (!factory) {
      // Bounded for the whole process: V8 keeps compiled code after the scanner that made it is gone, so a
      // cache per scanner leaked about 100 MiB per body of varied label sets. Past the bound, plain builders.
      if (FACTORIES.size >= MAX_FACTORIES) return plainLabelsFactory(names);
      factory = makeLabelsFactory(names);
      FACTORIES.set(key, factory);
    }
    return factory;
  }
}

/** Compiled label builders, shared by every scanner of the process (their label name sequences recur). */
const FACTORIES = new Map<string, LabelsFactory>();
export const MAX_FACTORIES = 1024;

/** How many label builders the process has compiled (for tests: it never passes MAX_FACTORIES). */
export function compiledLabelFactories(): number {
  return FACTORIES.size;
}

function makeLabelsFactory(names: readonly string[]): LabelsFactory {
  // A literal `__proto__` key would set the prototype, and a repeated name needs the last value to win
  // as a store would: both rare, both take the plain path.
  if (names.includes('__proto__') || new Set(names).size !== names.length) return plainLabelsFactory(names);
  const fields = names.map((name, index) => `${JSON.stringify(name)}: values[${index}]`).join(', ');
  return new Function('values', `return { ${fields} };`) as LabelsFactory;
}

/** An integer of milliseconds (the text format's timestamp), read in place; null if it is not one. */
function parseMilliseconds(text: string, start: number, end: number): number | null {
  const negative = text.charCodeAt(start) === 45; // '-'
  const value = parseDigits(text, negative ? start + 1 : start, end);
  if (value !== null) return negative ? -value : value;
  const long = text.slice(start, end);
  return /^-?\d+$/.test(long) ? Number(long) : null;
}

/** Up to 15 decimal digits, read in place (exact in a double); null for anything else. */
function parseDigits(text: string, start: number, end: number): number | null {
  if (start === end || end - start > 15) return null;
  let value = 0;
  for (let position = start; position < end; position++) {
    const digit = text.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return value;
}

function plainLabelsFactory(names: readonly string[]): LabelsFactory {
  const copy = [...names];
  return (values) => {
    const labels: Record<string, string> = {};
    copy.forEach((name, index) => Object.defineProperty(labels, name, { value: values[index], enumerable: true, writable: true, configurable: true }));
    return labels;
  };
}

function skipBlankChars(line: string, position: number, end: number): number {
  while (position < end && (line.charCodeAt(position) === SPACE || line.charCodeAt(position) === TAB)) position++;
  return position;
}

/** The end of the token that starts at `position`: the next blank or the end of the line. */
function tokenEnd(line: string, position: number, end: number): number {
  while (position < end && line.charCodeAt(position) !== SPACE && line.charCodeAt(position) !== TAB) position++;
  return position;
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
