import type { Asker, Sample } from '@/lib/explain/explain-query';
import { parsePromql, type Matcher, type Selector } from '@/lib/explain/promql-tree';

/**
 * An Asker over an in-memory set of series, for the explainer's unit tests. It answers the query shapes the
 * ladder sends (and only those: anything else fails the test) by matching their selectors with
 * Prometheus' matcher semantics (a missing label is ""). Every call is recorded.
 */

export interface FakeSeries {
  labels: Record<string, string>;
  /** Seconds between samples (default 15). */
  interval?: number;
  /** Gone since: its last sample was this many ms before the explanation's instant. */
  goneMs?: number;
}

const matches = (matcher: Matcher, labels: Record<string, string>) => {
  const value = labels[matcher.label] ?? '';
  const regex = () => new RegExp(`^(?:${matcher.value})$`);
  return { '=': value === matcher.value, '!=': value !== matcher.value, '=~': regex().test(value), '!~': !regex().test(value) }[matcher.op];
};

const selects = (selector: Selector, labels: Record<string, string>) => (selector.metric === null || labels.__name__ === selector.metric) && selector.matchers.every((matcher) => matches(matcher, labels));

/** Prometheus' own series around a series' last sample: stored before it, stored after it, when it started. */
export interface FakeSelf {
  before: number;
  after: number;
  startedMs?: number;
}

export function fakeAsker(series: readonly FakeSeries[], options: { atMs: number; whole?: { now: number; range: number }; joins?: number[]; self?: FakeSelf }) {
  const calls: string[] = [];
  const alive = series.filter((one) => one.goneMs === undefined);
  const only = (query: string) => {
    const { selectors } = parsePromql(query);
    if (selectors.length !== 1) throw new Error(`the fake expects one selector in ${query}`);
    return selectors[0]!;
  };
  const counted = (value: number): Sample[] => (value > 0 ? [{ labels: {}, value }] : []);
  let join = 0;
  const answer = (query: string): Sample[] => {
    let match: RegExpExecArray | null;
    if ((match = /^count\(\(.*\) and (?:on|ignoring)?\(?.*$/s.exec(query))) return counted(options.joins?.[join++] ?? 0);
    if (/^count\(last_over_time\(/.test(query)) return counted(options.whole?.range ?? 0);
    if (/^count\(prometheus_build_info\{.*\} @ /.test(query)) return counted(options.self?.before ?? 1);
    if (/^count\(count_over_time\(prometheus_build_info\{/.test(query)) return counted(options.self?.after ?? 1);
    if (/^max\(process_start_time_seconds\{/.test(query)) return counted((options.self?.startedMs ?? 0) / 1000);
    if (/^count\(\(|^count\(vector\(/.test(query)) return counted(options.whole?.now ?? 0);
    if ((match = /^max_over_time\(timestamp\(count\((.*)\)\)\[7d:5m\]\)$/s.exec(query))) {
      const selector = only(match[1]!);
      const gone = series.filter((one) => one.goneMs !== undefined && one.goneMs <= 7 * 86_400_000 && selects(selector, one.labels));
      if (alive.some((one) => selects(selector, one.labels))) return counted(options.atMs / 1000);
      return gone.length > 0 ? counted((options.atMs - Math.min(...gone.map((one) => one.goneMs!))) / 1000) : [];
    }
    if ((match = /^max\(count_over_time\((.*)\[(\d+)(s|m)\]\)\)$/s.exec(query))) {
      const selector = only(match[1]!);
      const windowS = Number(match[2]) * (match[3] === 'm' ? 60 : 1);
      const picked = alive.filter((one) => selects(selector, one.labels));
      return picked.length > 0 ? counted(Math.max(...picked.map((one) => Math.floor(windowS / (one.interval ?? 15))))) : [];
    }
    if ((match = /^sort_desc\(topk\(5, count by \((\w+)\) \((.*)\)\)\)$/s.exec(query))) {
      const [label, text] = [match[1]!, match[2]!];
      const values = new Map<string, number>();
      for (const one of alive.filter((candidate) => selects(only(text), candidate.labels))) values.set(one.labels[label] ?? '', (values.get(one.labels[label] ?? '') ?? 0) + 1);
      return [...values].slice(0, 5).map(([value, n]) => ({ labels: value === '' ? {} : { [label]: value }, value: n }));
    }
    if ((match = /^topk\(1, (.*)\)$/s.exec(query))) {
      const found = alive.find((one) => selects(only(match![1]!), one.labels));
      return found ? [{ labels: found.labels, value: 1 }] : [];
    }
    if ((match = /^count\((.*)\)$/s.exec(query))) return counted(alive.filter((one) => selects(only(match![1]!), one.labels)).length);
    throw new Error(`the fake does not answer ${query}`);
  };
  const asker: Asker = {
    async batch(parts) {
      calls.push(`batch ${Object.values(parts).join(' ; ')}`);
      return Object.fromEntries(Object.entries(parts).map(([key, query]) => [key, answer(query)]));
    },
    async labelNames(selector, startMs) {
      calls.push(`labels ${selector}`);
      const parsed = only(selector);
      const names = new Set<string>();
      for (const one of series) {
        const inWindow = one.goneMs === undefined || options.atMs - one.goneMs >= startMs;
        if (inWindow && selects(parsed, one.labels)) for (const name of Object.keys(one.labels)) names.add(name);
      }
      return [...names];
    },
  };
  return { asker, calls };
}
