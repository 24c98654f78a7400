import { regexLiteral } from '@/lib/prometheus/promql';

/**
 * Grafana's template variables as they appear in dashboard queries: `$node`, `${node}`, `${node:regex}`,
 * `[[node]]`, and the built-ins `$__interval`, `$__rate_interval`, `$__range` and friends
 * (https://grafana.com/docs/grafana/latest/dashboards/variables/variable-syntax/). PURE: the values come in,
 * the substituted text and what was substituted come out.
 */

/** Where a value came from, shown beside it in the answer. */
export type ValueSource = 'request' | 'node' | 'prometheus' | 'dashboard' | 'built-in';

export interface VariableValue {
  value: string;
  source: ValueSource;
  /** Why this value (for example "the instance of lab-a's node-exporter target"). */
  note?: string;
}

export interface Substitution extends VariableValue {
  name: string;
}

// `$name`, `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]`; names are word characters.
const REFERENCE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)/g;

/** The variable names a text refers to, in order of first use (built-ins included). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) names.add((match[1] ?? match[3] ?? match[5])!);
  return [...names];
}

/** A value in one of Grafana's formats; a single value, so the multi-value formats reduce to it. */
function formatted(value: string, format: string | undefined): string {
  switch (format) {
    case 'regex':
      return regexLiteral(value);
    case 'doublequote':
      return `"${value}"`;
    case 'singlequote':
      return `'${value}'`;
    case 'percentencode':
      return encodeURIComponent(value);
    default:
      // raw, pipe, csv, glob, text, lucene and no format give a single value as it is.
      return value;
  }
}

/**
 * The text with every known variable replaced. Unknown variables are left in place and named in
 * `unresolved`; the query would not parse with them, so the caller asks for a value.
 */
export function substitute(text: string, values: Readonly<Record<string, VariableValue>>): { text: string; substitutions: Substitution[]; unresolved: string[] } {
  const used = new Map<string, Substitution>();
  const unresolved = new Set<string>();
  const out = text.replace(REFERENCE, (whole, braced: string | undefined, braceFormat: string | undefined, bracketed: string | undefined, bracketFormat: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bracketed ?? bare)!;
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (!value) {
      unresolved.add(name);
      return whole;
    }
    used.set(name, { name, ...value });
    return formatted(value.value, braceFormat ?? bracketFormat);
  });
  return { text: out, substitutions: [...used.values()], unresolved: [...unresolved] };
}

/** A duration as PromQL writes it: whole units where they fit ("1m", "90s", "2h"). */
export function promDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/**
 * Grafana's defaults for a Prometheus data source: the scrape interval setting is 15 s unless set, and a
 * panel asks about 1,000 points at most (its width in pixels); `$__interval` is the range over that, never
 * below the scrape interval; `$__rate_interval` is max(`$__interval` + scrape interval, 4 x scrape interval).
 */
const GRAFANA_SCRAPE_INTERVAL_MS = 15_000;
const GRAFANA_MAX_DATA_POINTS = 1_000;

/** The built-in variables for a range, as Grafana fills them for one panel. */
export function builtInVariables(range: { startMs: number; endMs: number }, scrapeIntervalMs = GRAFANA_SCRAPE_INTERVAL_MS): Record<string, VariableValue> {
  const rangeMs = range.endMs - range.startMs;
  const intervalMs = Math.max(scrapeIntervalMs, Math.ceil(rangeMs / GRAFANA_MAX_DATA_POINTS / 1000) * 1000);
  const rateIntervalMs = Math.max(intervalMs + scrapeIntervalMs, 4 * scrapeIntervalMs);
  const note = `Grafana's default for a Prometheus data source (scrape interval ${promDuration(scrapeIntervalMs)}, at most ${GRAFANA_MAX_DATA_POINTS} points)`;
  const builtIn = (value: string, why = note): VariableValue => ({ value, source: 'built-in', note: why });
  const rangeNote = 'the range asked for';
  return {
    __interval: builtIn(promDuration(intervalMs)),
    __interval_ms: builtIn(String(intervalMs)),
    __rate_interval: builtIn(promDuration(rateIntervalMs)),
    __range: builtIn(promDuration(rangeMs), rangeNote),
    __range_s: builtIn(String(Math.round(rangeMs / 1000)), rangeNote),
    __range_ms: builtIn(String(rangeMs), rangeNote),
    __from: builtIn(String(range.startMs), rangeNote),
    __to: builtIn(String(range.endMs), rangeNote),
  };
}
