import type { JoinExplanation, LinkedFinding, SelectorExplanation, SelectorVerdict } from '@/lib/contract/explain';
import { PROMETHEUS_JOBS, quoteLabelValue } from '@/lib/prometheus/promql';
import { promDuration } from './grafana-vars';
import type { Join, Matcher, ParsedQuery, Selector } from './promql-tree';

/**
 * Why a query is empty, selector by selector: the ladder of issue 13. PURE but for `Asker`, which sends each
 * call as one Prometheus request and refuses (ExplainBudgetSpent) once the explanation's budget is spent.
 *
 * The ladder of an empty selector `metric{m1, …, mk}`:
 *   1. does `metric` exist now; if not, did it within the last 7 days (`metric-disappeared`, with when it was
 *      last seen) or never (`metric-never-existed`);
 *   2. with `m1`, then `m1, m2`, … added one at a time, which matcher empties it (the culprit);
 *   3. is the culprit's label on the metric's series at all (`label-never-present`); if it is, which values
 *      it has on other series: an equality that names none of them is `label-value-absent`, any other
 *      matcher `matcher-excludes-all`.
 * A selector with series whose function needs two samples (rate, increase, …) and gets fewer in its window
 * is `range-too-short`. Everything of one stage goes in one batched request (lib/prometheus/promql.ts).
 */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Asker {
  /** Several instant queries at the explanation's instant, in one request. */
  batch(parts: Record<string, string>): Promise<Record<string, Sample[]>>;
  /** The label names of the series matching `selector` between `startMs` and the explanation's instant. */
  labelNames(selector: string, startMs: number): Promise<string[]>;
}

export class ExplainBudgetSpent extends Error {
  override name = 'ExplainBudgetSpent';
}

export interface ExplainContext {
  asker: Asker;
  /** Ladders already climbed (a dashboard's panels share selectors), by selector as counted. */
  climbed?: Map<string, SelectorExplanation>;
  atMs: number;
  range: { startMs: number; endMs: number };
  /** The node's findings (and the cluster's) that could explain an empty selector. */
  findingsFor(selector: Selector): LinkedFinding[];
}

export interface QueryExplanation {
  empty: boolean;
  series: number;
  selectors: SelectorExplanation[];
  joins: JoinExplanation[];
  incomplete?: string;
}

const LOOKBACK_DAYS = 7;
const DAY_MS = 86_400_000;
/** Samples in a window four times the function's (at least a minute) tell a series' scrape interval. */
const probeMs = (windowMs: number) => Math.max(60_000, 4 * windowMs);
/** Points of the range the panel-empty check evaluates the whole query at. */
const RANGE_POINTS = 250;

/** `metric{matchers}` as PromQL, with the selector's offset / @ modifiers. */
function selectorWith(selector: Pick<Selector, 'metric' | 'modifiers'>, matchers: readonly Matcher[]): string {
  const inside = matchers.map((matcher) => `${matcher.label}${matcher.op}${quoteLabelValue(matcher.value)}`);
  const base = selector.metric === null ? `{${inside.join(', ')}}` : inside.length === 0 ? selector.metric : `${selector.metric}{${inside.join(', ')}}`;
  return `${base}${selector.modifiers}`;
}

const count = (expression: string) => `count(${expression})`;
const firstValue = (samples: readonly Sample[] | undefined) => samples?.[0]?.value ?? 0;
/** Whether a matcher lets through a series that lacks its label (Prometheus treats a missing label as ""). */
export function matchesEmpty(matcher: Matcher): boolean {
  switch (matcher.op) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test('');
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test('');
  }
}

/** A regex that matches one literal value (`instance=~"10.0.0.1:9100"`, as Grafana writes single values). */
const isLiteral = (pattern: string) => !/[\\^$*+?()[\]{}|]/.test(pattern.replace(/\\\./g, '').replace(/\./g, ''));

function safeMatchesEmpty(matcher: Matcher): boolean {
  try {
    return matchesEmpty(matcher);
  } catch {
    return false; // A regex JavaScript cannot read (RE2 differs in places): assume it needs the label.
  }
}

/** The selectors worth a ladder: those with a metric or at least one matcher, each text once. */
function distinct(selectors: readonly Selector[]): Selector[] {
  const seen = new Map<string, Selector>();
  for (const selector of selectors) {
    const key = `${selector.text}${selector.modifiers}[${selector.windowMs ?? ''}]`;
    if (!seen.has(key)) seen.set(key, selector);
  }
  return [...seen.values()].filter((selector) => selector.metric !== null || selector.matchers.length > 0);
}

export async function explainQuery(query: string, parsed: ParsedQuery, context: ExplainContext): Promise<QueryExplanation> {
  const { asker, range } = context;
  const selectors = distinct(parsed.selectors);
  const whole = parsed.scalar ? `vector(${query})` : `(${query})`;
  const stepMs = Math.max(1000, Math.ceil((range.endMs - range.startMs) / RANGE_POINTS / 1000) * 1000);
  // Stage 1, one request: the whole query now and over the range, every selector now, the windows of range
  // functions, and each join's sides.
  const parts: Record<string, string> = {
    now: count(whole),
    range: count(`last_over_time(${whole}[${promDuration(range.endMs - range.startMs)}:${promDuration(stepMs)}])`),
  };
  selectors.forEach((selector, i) => {
    const text = selectorWith(selector, selector.matchers);
    parts[`s${i}`] = count(text);
    if (selector.fn && selector.windowMs !== undefined) {
      parts[`w${i}`] = `max(count_over_time(${text}[${promDuration(selector.windowMs)}]))`;
      parts[`t${i}`] = `max(count_over_time(${text}[${promDuration(probeMs(selector.windowMs))}]))`;
    }
  });
  parsed.joins.forEach((join, j) => {
    parts[`l${j}`] = count(join.left);
    parts[`r${j}`] = count(join.right);
    // Do the sides' labels meet at all? `and` with the same matching, whatever the operator does to values.
    parts[`m${j}`] = count(`(${join.left}) and ${matchingOf(join)} (${join.right})`);
  });
  const stage = await asker.batch(parts);
  const value = (key: string) => firstValue(stage[key]);

  const explanation: QueryExplanation = { empty: value('range') === 0 && value('now') === 0, series: value('now'), selectors: [], joins: [] };
  explanation.joins = parsed.joins.map((join, j) => joinVerdict(join, value(`l${j}`), value(`r${j}`), value(`m${j}`)));

  for (const [i, selector] of selectors.entries()) {
    const text = selectorWith(selector, selector.matchers);
    const series = value(`s${i}`);
    const first = { query: count(text), series };
    if (series > 0) {
      const windowed = selector.fn !== undefined && stage[`w${i}`] !== undefined;
      const inWindow = value(`w${i}`);
      const perProbe = value(`t${i}`);
      if (windowed && inWindow < 2 && perProbe > 0) {
        const intervalMs = probeMs(selector.windowMs!) / perProbe;
        explanation.selectors.push({
          selector: selector.text,
          series,
          verdict: 'range-too-short',
          reason: `${selector.fn}() needs two samples in its [${promDuration(selector.windowMs!)}] window; these series have one about every ${promDuration(intervalMs)}, so the window should be at least ${promDuration(2 * intervalMs)} ($__rate_interval in Grafana)`,
          steps: [first, { query: `max(count_over_time(${text}[${promDuration(selector.windowMs!)}]))`, series: inWindow }, { query: `max(count_over_time(${text}[${promDuration(probeMs(selector.windowMs!))}]))`, series: perProbe }],
          findings: [],
        });
      } else {
        explanation.selectors.push({ selector: selector.text, series, verdict: 'ok', reason: `${series} series`, steps: [first], findings: [] });
      }
      continue;
    }
    try {
      const known = context.climbed?.get(text);
      const climbed = known ? { ...known, selector: selector.text } : withPrometheusCause(await ladder(selector, first, context));
      context.climbed?.set(text, climbed);
      explanation.selectors.push(climbed);
    } catch (error) {
      if (!(error instanceof ExplainBudgetSpent)) throw error;
      explanation.incomplete = `the explanation's request budget was spent before ${selector.text} was explained`;
      explanation.selectors.push({ selector: selector.text, series: 0, verdict: 'not-explained', reason: 'empty; not explained further: the request budget was spent', steps: [first], findings: context.findingsFor(selector) });
    }
  }
  return explanation;
}

/** The `on(…)` / `ignoring(…)` of a join, without its group modifier (which `and` does not take). */
function matchingOf(join: Join): string {
  if (join.on) return `on(${join.on.join(', ')})`;
  if (join.ignoring) return `ignoring(${join.ignoring.join(', ')})`;
  return '';
}

function joinVerdict(join: Join, left: number, right: number, matched: number): JoinExplanation {
  const base = { expression: join.text, left, right };
  if (left === 0 || right === 0) return { ...base, verdict: 'ok', reason: `the ${left === 0 ? 'left' : 'right'} side is empty: its selectors say why` };
  if (matched > 0) return { ...base, verdict: 'ok', reason: `${matched} series of the left side find a partner on the right` };
  return { ...base, verdict: 'no-matching-labels', reason: `both sides have series (${left} and ${right}) but none share the labels ${join.on ? `on(${join.on.join(', ')})` : join.ignoring ? `that remain after ignoring(${join.ignoring.join(', ')})` : 'they match on (all of them, the name aside)'}` };
}

/** Adds a label-set example to every join whose sides do not meet: one series of each side. */
export async function exampleJoins(joins: JoinExplanation[], parsed: ParsedQuery, asker: Asker): Promise<void> {
  const failing = joins.map((join, j) => ({ join, source: parsed.joins[j]! })).filter(({ join }) => join.verdict === 'no-matching-labels');
  if (failing.length === 0) return;
  const parts: Record<string, string> = {};
  failing.forEach(({ source }, j) => {
    parts[`l${j}`] = `topk(1, ${source.left})`;
    parts[`r${j}`] = `topk(1, ${source.right})`;
  });
  const samples = await asker.batch(parts);
  failing.forEach(({ join, source }, j) => {
    const left = samples[`l${j}`]?.[0]?.labels ?? {};
    const right = samples[`r${j}`]?.[0]?.labels ?? {};
    const names = new Set([...Object.keys(left), ...Object.keys(right)].filter((name) => name !== '__name__'));
    const matchOn = source.on ?? [...names].filter((name) => !(source.ignoring ?? []).includes(name)).sort();
    const differing = matchOn.filter((name) => left[name] !== right[name]);
    join.example = { left, right, matchOn, differing };
    const missing = differing.filter((name) => left[name] === undefined || right[name] === undefined);
    if (missing.length > 0) join.reason += `; ${missing.map((name) => `${name} is on the ${left[name] === undefined ? 'right' : 'left'} side only`).join(', ')}`;
    else if (differing.length > 0) join.reason += `; they differ in ${differing.join(', ')}`;
  });
}

const PROMETHEUS_CAUSES = {
  'prometheus-restart': 'Prometheus itself restarted within ten minutes after the last sample: the series may have ended with it',
  'prometheus-gap': 'Prometheus stored nothing of itself for ten minutes after the last sample (an outage of Prometheus): the series may have ended with it',
};

const withPrometheusCause = (explained: SelectorExplanation): SelectorExplanation =>
  explained.lastSeenCause ? { ...explained, reason: `${explained.reason}; ${PROMETHEUS_CAUSES[explained.lastSeenCause]}` } : explained;

/** How long after a series' last sample Prometheus' own health is looked at. */
const AFTER_LAST_MS = 600_000;

/**
 * Whether Prometheus itself restarted, or stored nothing of itself, within ten minutes after a series' last
 * sample: then the series may have ended with Prometheus, not with its target (the timeline discounts the same
 * gaps). Prometheus' own series are read with `@`, at that time, in one request.
 */
async function prometheusAt(lastMs: number, context: ExplainContext): Promise<Pick<SelectorExplanation, 'lastSeenCause'>> {
  const after = Math.min(lastMs + AFTER_LAST_MS, context.atMs) / 1000;
  if (after * 1000 <= lastMs) return {};
  const self = `prometheus_build_info{${PROMETHEUS_JOBS}}`;
  const parts = {
    before: `count(${self} @ ${(lastMs / 1000).toFixed(3)})`,
    after: `count(count_over_time(${self}[${promDuration(after * 1000 - lastMs)}] @ ${after.toFixed(3)}))`,
    start: `max(process_start_time_seconds{${PROMETHEUS_JOBS}} @ ${after.toFixed(3)} and on (job, instance) ${self} @ ${after.toFixed(3)})`,
  };
  const answer = await context.asker.batch(parts);
  const [before, stored, started] = [firstValue(answer.before), firstValue(answer.after), firstValue(answer.start)];
  if (started * 1000 > lastMs) return { lastSeenCause: 'prometheus-restart' };
  if (before > 0 && stored === 0) return { lastSeenCause: 'prometheus-gap' };
  return {};
}

async function ladder(selector: Selector, first: { query: string; series: number }, context: ExplainContext): Promise<SelectorExplanation> {
  const { asker, atMs } = context;
  const steps = [first];
  const findings = context.findingsFor(selector);
  const base = { selector: selector.text, series: 0, findings };
  const sevenDaysAgo = atMs - LOOKBACK_DAYS * DAY_MS;
  const lastSeenQuery = (text: string) => `max_over_time(timestamp(count(${text}))[${LOOKBACK_DAYS}d:5m])`;

  // Stage 2, one request: the metric alone, each prefix of the matchers, and when the selector was last seen.
  const prefixes = selector.matchers.map((_, j) => selectorWith(selector, selector.matchers.slice(0, j + 1)));
  const parts: Record<string, string> = { last: lastSeenQuery(selectorWith(selector, selector.matchers)) };
  if (selector.metric !== null) parts.metric = count(selectorWith(selector, []));
  prefixes.slice(0, -1).forEach((prefix, j) => (parts[`p${j}`] = count(prefix)));
  const stage = await asker.batch(parts);
  const lastSeenValue = firstValue(stage.last);
  const lastSeen = lastSeenValue > 0 ? new Date(lastSeenValue * 1000).toISOString() : undefined;
  const seen = lastSeen ? { lastSeen, ...(await prometheusAt(lastSeenValue * 1000, context)) } : {};

  if (selector.metric !== null) {
    const metricNow = firstValue(stage.metric);
    steps.push({ query: count(selectorWith(selector, [])), series: metricNow });
    if (metricNow === 0) {
      const names = await asker.labelNames(selectorWith(selector, []), sevenDaysAgo);
      steps.push({ query: `label names of ${selector.metric} within the last ${LOOKBACK_DAYS} days`, series: names.length > 0 ? 1 : 0 });
      if (names.length === 0) {
        // level:metric:operations is the recording rule naming convention (prometheus.io/docs/practices/rules).
        const recorded = selector.metric.includes(':') ? ': it is named as a recording rule\'s output, and no rule of this Prometheus records it (dashboards of a mixin need its rules loaded)' : ': nothing exposes it under this name, or a relabelling rule drops it';
        return { ...base, verdict: 'metric-never-existed', steps, reason: `no series named ${selector.metric} within the last ${LOOKBACK_DAYS} days${recorded}` };
      }
      const metricLast = firstValue((await asker.batch({ last: lastSeenQuery(selector.metric) })).last);
      steps.push({ query: lastSeenQuery(selector.metric), series: metricLast > 0 ? 1 : 0 });
      const when = metricLast > 0 ? new Date(metricLast * 1000).toISOString() : lastSeen;
      return { ...base, ...seen, verdict: 'metric-disappeared', ...(when ? { lastSeen: when } : {}), steps, reason: `${selector.metric} existed within the last ${LOOKBACK_DAYS} days${when ? ` (last seen ${when})` : ''} but has no series now` };
    }
  }
  // The first prefix that is empty; the last one is the selector itself, known empty.
  let culpritIndex = prefixes.length - 1;
  for (const [j] of prefixes.slice(0, -1).entries()) {
    const series = firstValue(stage[`p${j}`]);
    steps.push({ query: count(prefixes[j]!), series });
    if (series === 0) {
      culpritIndex = j;
      break;
    }
  }
  if (culpritIndex === prefixes.length - 1) steps.push({ query: count(prefixes[culpritIndex]!), series: 0 });
  const culprit = selector.matchers[culpritIndex];
  if (!culprit) return { ...base, ...seen, verdict: 'metric-never-existed', steps, reason: 'nothing matches this selector' };
  const before = selectorWith(selector, selector.matchers.slice(0, culpritIndex));
  const hasBefore = selector.metric !== null || culpritIndex > 0;
  const culpritOf = { matcher: culprit.text, label: culprit.label };

  const valueMatch: SelectorVerdict = (culprit.op === '=' || (culprit.op === '=~' && isLiteral(culprit.value))) && culprit.value !== '' ? 'label-value-absent' : 'matcher-excludes-all';
  if (!hasBefore) return { ...base, ...seen, verdict: valueMatch, culprit: culpritOf, steps, reason: `no series has ${culprit.text}` };
  // The culprit label's values on the series before it, now (an instant query, exact in time, unlike the label
  // names index): none but "" means no series carries the label at all (Prometheus stores no empty label).
  const valuesQuery = `sort_desc(topk(5, count by (${culprit.label}) (${before})))`;
  const values = (await asker.batch({ values: valuesQuery })).values ?? [];
  const otherValues = values.map((sample) => sample.labels[culprit.label] ?? '').filter((value) => value !== '');
  steps.push({ query: valuesQuery, series: values.length });
  if (otherValues.length === 0 && !safeMatchesEmpty(culprit)) {
    return { ...base, ...seen, verdict: 'label-never-present', culprit: culpritOf, steps, reason: `no series of ${before} carries the label ${culprit.label} now, so ${culprit.text} matches none` };
  }
  const verdict = valueMatch;
  const shown = otherValues.map((value) => JSON.stringify(value)).join(', ') || 'none';
  const reason =
    verdict === 'label-value-absent'
      ? `no series of ${before} has ${culprit.label}=${JSON.stringify(culprit.value)} now; it has ${shown}`
      : `${culprit.text} excludes every series of ${before}: their ${culprit.label} is ${shown}`;
  return { ...base, ...seen, verdict, culprit: culpritOf, otherValues, steps, reason };
}
