import 'server-only';
import type { DashboardExplanation, Explanation, PanelExplanation, SelectorExplanation } from '@/lib/contract/explain';
import type { Finding } from '@/lib/contract/finding';
import { sourceFailure, UpstreamError, type SourceStatus } from '@/lib/errors';
import type { Dashboard } from '@/lib/explain/dashboard';
import { ExplainBudgetSpent, exampleJoins, explainQuery, type Asker, type Sample } from '@/lib/explain/explain-query';
import { builtInVariables, promDuration, referencedVariables, substitute, type VariableValue } from '@/lib/explain/grafana-vars';
import { linkFindings } from '@/lib/explain/link-findings';
import { parsePromql, PromqlSyntaxError, type ParsedQuery } from '@/lib/explain/promql-tree';
import { resolveDashboardVariables, resolveQueryVariables, type NodeAliases } from '@/lib/explain/resolve-vars';
import { ApiError } from '@/lib/http/api-error';
import type { PrometheusClient } from '@/lib/prometheus/client';
import { quoteLabelValue, regexLiteral } from '@/lib/prometheus/promql';
import type { ResolvedRange } from '@/lib/time-range';

/**
 * The query explainer's requests: one query (GET /api/v1/explain) or a whole dashboard (POST), for a node
 * and a range. Prometheus is asked through a budgeted asker: instant queries and label-name look-ups only,
 * each counted, none past the budget, all through the client's limiter and the view's deadline.
 */

/** Prometheus requests one explanation may send (the node's findings, shared with its page, aside). */
export const EXPLAIN_REQUEST_BUDGET = 18;
/** Prometheus requests a dashboard's explanation may send in all: its counts, its variables, its empty panels. */
export const DASHBOARD_REQUEST_BUDGET = 60;
/** Panel queries counted per request. */
const PANELS_PER_REQUEST = 20;

export interface NodeContext {
  aliases: NodeAliases;
  findings: Finding[];
  clusterFindings: Finding[];
  sources: SourceStatus[];
}

export interface ExplainDeps {
  prometheus: PrometheusClient;
  /** The node's targets and findings; null when no node was named. A node the inventory lacks is a 404. */
  nodeContext(name: string): Promise<NodeContext>;
}

export interface ExplainRequest {
  node?: string;
  range: ResolvedRange;
  /** `var-<name>=` values. */
  requested: Record<string, string>;
}

/** Every call one request at the explanation's instant; refused once `limit` requests were sent. */
class BudgetedAsker implements Asker {
  sent = 0;

  constructor(
    private readonly prometheus: PrometheusClient,
    private readonly atMs: number,
    private limit: number,
    private readonly parent?: BudgetedAsker,
  ) {}

  private spend() {
    if (this.sent >= this.limit) throw new ExplainBudgetSpent('budget spent');
    this.parent?.spend();
    this.sent++;
  }

  /** A share of this budget for one part of the work (a panel's explanation). */
  child(limit: number): BudgetedAsker {
    return new BudgetedAsker(this.prometheus, this.atMs, Math.min(limit, this.limit - this.sent), this);
  }

  get left(): number {
    return this.limit - this.sent;
  }

  async batch(parts: Record<string, string>): Promise<Record<string, Sample[]>> {
    this.spend();
    return this.prometheus.instantBatch(parts, this.atMs);
  }

  async labelNames(selector: string, startMs: number): Promise<string[]> {
    this.spend();
    return this.prometheus.labelNames([selector], this.atMs, startMs);
  }
}

const FIRST_METRIC = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/;

function parseOrThrow(text: string): ParsedQuery {
  try {
    return parsePromql(text);
  } catch (error) {
    if (error instanceof PromqlSyntaxError) throw new ApiError(400, 'bad-request', error.message);
    throw error;
  }
}

const unresolvedError = (names: readonly string[]) =>
  `the query uses ${names.map((name) => `$${name}`).join(', ')}, which ${names.length === 1 ? 'has' : 'have'} no value: add ${names.map((name) => `var-${name}=<value>`).join(' and ')} to the request`;

/** Panels (by id, or title where they have none) with every query empty, and all panels. */
function panelCounts(queries: readonly PanelExplanation[]): { emptyPanels: number; totalPanels: number } {
  const byPanel = new Map<string, boolean>();
  for (const query of queries) {
    const key = query.panelId !== undefined ? `#${query.panelId}` : query.panel;
    byPanel.set(key, (byPanel.get(key) ?? true) && query.empty);
  }
  return { emptyPanels: [...byPanel.values()].filter(Boolean).length, totalPanels: byPanel.size };
}

/** Which of the panels' metric names have a series now, in one request (none where the budget is spent). */
async function existingMetrics(panels: readonly { parsed?: ParsedQuery }[], budget: BudgetedAsker): Promise<Set<string>> {
  const metrics = [...new Set(panels.flatMap((panel) => panel.parsed!.selectors.flatMap((selector) => (selector.metric ? [selector.metric] : []))))];
  if (metrics.length === 0 || budget.left < 4) return new Set();
  try {
    const answer = await budget.batch({ metrics: `group by (__name__) ({__name__=~${quoteLabelValue(metrics.map(regexLiteral).join('|'))}})` });
    return new Set((answer.metrics ?? []).map((sample) => sample.labels.__name__ ?? ''));
  } catch (error) {
    if (error instanceof ExplainBudgetSpent || error instanceof UpstreamError) return new Set();
    throw error;
  }
}

/** What the node's findings were read from, in short: its failures, or that it was read. */
function nodeSources(context: NodeContext | null): SourceStatus[] {
  if (!context) return [];
  const failed = context.sources.filter((source) => !source.ok);
  return failed.length > 0 ? failed : [{ source: 'prometheus', endpoint: `the node's findings (${context.sources.length} reads, shared with its page)`, ok: true }];
}

async function contextOf(deps: ExplainDeps, request: ExplainRequest): Promise<NodeContext | null> {
  return request.node ? deps.nodeContext(request.node) : null;
}

/** A Prometheus failure while explaining: a rejected query is the caller's (400); any other degrades the answer. */
function failureOf(error: unknown, endpoint: string): SourceStatus {
  if (error instanceof UpstreamError && error.kind === 'api-error') throw new ApiError(400, 'bad-request', `Prometheus rejected the query: ${error.message.replace(/^Prometheus rejected the request \([^)]*\): /, '')}`);
  return sourceFailure(error, { source: 'prometheus', endpoint });
}

async function explainParsed(
  query: string,
  substituted: string,
  parsed: ParsedQuery,
  asker: BudgetedAsker,
  context: NodeContext | null,
  request: ExplainRequest,
  climbed?: Map<string, SelectorExplanation>,
): Promise<Omit<Explanation, 'query' | 'substituted' | 'substitutions' | 'sources'> & { failure?: SourceStatus }> {
  const base = { ...(request.node ? { node: request.node } : {}), at: new Date(request.range.endMs).toISOString(), range: request.range };
  const findingsFor = (selector: Parameters<typeof linkFindings>[0]) => (context ? linkFindings(selector, context.findings, context.clusterFindings) : []);
  try {
    const explained = await explainQuery(substituted, parsed, { asker, atMs: request.range.endMs, range: request.range, findingsFor, ...(climbed ? { climbed } : {}) });
    let incomplete = explained.incomplete;
    try {
      await exampleJoins(explained.joins, parsed, asker);
    } catch (error) {
      if (!(error instanceof ExplainBudgetSpent)) throw error;
      incomplete ??= 'the request budget was spent before the joins were given examples';
    }
    return { ...base, empty: explained.empty, series: explained.series, selectors: explained.selectors, joins: explained.joins, requests: asker.sent, ...(incomplete ? { incomplete } : {}) };
  } catch (error) {
    if (error instanceof ExplainBudgetSpent) return { ...base, empty: false, series: 0, selectors: [], joins: [], requests: asker.sent, incomplete: 'the request budget was spent before the query was counted' };
    const failure = failureOf(error, `POST /api/v1/query (explaining ${query.slice(0, 80)})`);
    return { ...base, empty: false, series: 0, selectors: [], joins: [], requests: asker.sent, incomplete: `Prometheus failed: ${failure.detail ?? 'no answer'}`, failure };
  }
}

/** GET /api/v1/explain: why `query` is empty for the node over the range. */
export async function explainOne(deps: ExplainDeps, query: string, request: ExplainRequest): Promise<Explanation> {
  const context = await contextOf(deps, request);
  const metric = FIRST_METRIC.exec(query)?.[1];
  const values = resolveQueryVariables(referencedVariables(query), metric, { requested: request.requested, builtIns: builtInVariables(request.range), ...(context ? { node: context.aliases } : {}) });
  const { text: substituted, substitutions, unresolved } = substitute(query, values);
  if (unresolved.length > 0) throw new ApiError(400, 'bad-request', unresolvedError(unresolved));
  const parsed = parseOrThrow(substituted);
  if (parsed.selectors.length === 0) throw new ApiError(400, 'bad-request', 'the query selects no series (it has no metric name or label matcher): nothing can be empty');
  const asker = new BudgetedAsker(deps.prometheus, request.range.endMs, EXPLAIN_REQUEST_BUDGET);
  const { failure, ...explained } = await explainParsed(query, substituted, parsed, asker, context, request);
  const sources: SourceStatus[] = [...nodeSources(context), failure ?? { source: 'prometheus', endpoint: `POST /api/v1/query (${asker.sent} requests explaining the query)`, ok: true }];
  return { query, substituted, substitutions, ...explained, sources };
}

/** POST /api/v1/explain with a dashboard: every panel query counted, the empty ones explained first. */
export async function explainDashboard(deps: ExplainDeps, dashboard: Dashboard, request: ExplainRequest): Promise<DashboardExplanation> {
  const context = await contextOf(deps, request);
  const budget = new BudgetedAsker(deps.prometheus, request.range.endMs, DASHBOARD_REQUEST_BUDGET);
  const sources: SourceStatus[] = nodeSources(context);
  const notes: string[] = [];
  const input = { requested: request.requested, builtIns: builtInVariables(request.range), ...(context ? { node: context.aliases } : {}) };
  let values: Record<string, VariableValue>;
  try {
    values = await resolveDashboardVariables(dashboard.variables, input, async (selector, label) => {
      if (!selector) return [];
      const answer = await budget.batch({ values: `group by (${label}) (${selector})` });
      return (answer.values ?? []).map((sample) => sample.labels[label] ?? '').filter((value) => value !== '');
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    sources.push(error instanceof ExplainBudgetSpent ? { source: 'prometheus', endpoint: 'variables', ok: false, detail: 'the request budget was spent on the variables' } : sourceFailure(error, { source: 'prometheus', endpoint: "POST /api/v1/query (the dashboard's variables)" }));
    values = { ...input.builtIns };
  }

  interface Pending extends PanelExplanation {
    parsed?: ParsedQuery;
  }
  const panels: Pending[] = dashboard.queries.map((panelQuery) => {
    const { text, unresolved } = substitute(panelQuery.expr, values);
    const base = { panel: panelQuery.panel, ...(panelQuery.panelId !== undefined ? { panelId: panelQuery.panelId } : {}), refId: panelQuery.refId, query: panelQuery.expr, substituted: text, empty: false, series: 0 };
    if (unresolved.length > 0) return { ...base, error: unresolvedError(unresolved) };
    try {
      const parsed = parsePromql(text);
      return parsed.selectors.length === 0 ? { ...base, error: 'selects no series' } : { ...base, parsed };
    } catch (error) {
      return { ...base, error: (error as Error).message };
    }
  });

  // Every panel's query now and over the range, PANELS_PER_REQUEST to a request.
  const stepMs = Math.max(1000, Math.ceil((request.range.endMs - request.range.startMs) / 250 / 1000) * 1000);
  const window = `[${promDuration(request.range.endMs - request.range.startMs)}:${promDuration(stepMs)}]`;
  const countable = panels.filter((panel) => panel.parsed);
  const wrap = (panel: Pending) => (panel.parsed!.scalar ? `vector(${panel.substituted})` : `(${panel.substituted})`);
  const countParts = (group: Pending[]) => Object.fromEntries(group.flatMap((panel, i) => [[`n${i}`, `count(${wrap(panel)})`], [`e${i}`, `count(last_over_time(${wrap(panel)}${window}))`]]));
  const record = (group: Pending[], samples: Record<string, Sample[]>) =>
    group.forEach((panel, i) => {
      panel.series = samples[`n${i}`]?.[0]?.value ?? 0;
      panel.empty = panel.series === 0 && (samples[`e${i}`]?.[0]?.value ?? 0) === 0;
    });
  for (let start = 0; start < countable.length; start += PANELS_PER_REQUEST) {
    const group = countable.slice(start, start + PANELS_PER_REQUEST);
    try {
      record(group, await budget.batch(countParts(group)));
    } catch (error) {
      if (error instanceof ExplainBudgetSpent) {
        group.forEach((panel) => (panel.error = 'not counted: the request budget was spent'));
        continue;
      }
      if (!(error instanceof UpstreamError && error.kind === 'api-error')) {
        const failure = sourceFailure(error, { source: 'prometheus', endpoint: 'POST /api/v1/query (panel counts)' });
        sources.push(failure);
        group.forEach((panel) => (panel.error = `not counted: ${failure.detail ?? 'Prometheus failed'}`));
        continue;
      }
      // One query Prometheus rejects fails its batch: ask each on its own to find it.
      for (const panel of group) {
        try {
          record([panel], await budget.batch(countParts([panel])));
        } catch (single) {
          panel.error = single instanceof ExplainBudgetSpent ? 'not counted: the request budget was spent' : `Prometheus rejected it: ${(single as Error).message}`;
        }
      }
    }
  }

  // The empty panels first, and among them those whose metrics all exist (a label or a join empties them: the
  // node's own problem) before those that name a metric no series has; each explained while the budget
  // lasts, identical queries once.
  const existing = await existingMetrics(panels.filter((panel) => panel.empty && panel.parsed), budget);
  const rank = (panel: Pending) => (!panel.empty || panel.error ? 2 : panel.parsed!.selectors.every((selector) => selector.metric === null || existing.has(selector.metric)) ? 0 : 1);
  panels.sort((a, b) => rank(a) - rank(b));
  const explained = new Map<string, Explanation>();
  const climbed = new Map<string, SelectorExplanation>();
  for (const panel of panels) {
    if (!panel.empty || panel.error || !panel.parsed) continue;
    let explanation = explained.get(panel.substituted);
    if (!explanation) {
      if (budget.left < 3) {
        notes.push('some empty panels were not explained: the request budget was spent (open one on its own to explain it)');
        break;
      }
      const asker = budget.child(EXPLAIN_REQUEST_BUDGET);
      let result: Awaited<ReturnType<typeof explainParsed>>;
      try {
        result = await explainParsed(panel.query, panel.substituted, panel.parsed, asker, context, request, climbed);
      } catch (error) {
        // A query Prometheus rejects is that panel's problem, not the dashboard's.
        if (!(error instanceof ApiError)) throw error;
        panel.error = error.message;
        continue;
      }
      const { failure, ...explainedPanel } = result;
      if (failure) sources.push(failure);
      explanation = { query: panel.query, substituted: panel.substituted, substitutions: [], ...explainedPanel, sources: [] };
      explained.set(panel.substituted, explanation);
    }
    panel.explanation = explanation;
  }
  const substitutions = Object.entries(values)
    .filter(([name]) => dashboard.queries.some((query) => referencedVariables(query.expr).includes(name)))
    .map(([name, value]) => ({ name, ...value }));
  sources.push({ source: 'prometheus', endpoint: `POST /api/v1/query (${budget.sent} requests for ${dashboard.queries.length} panel queries)`, ok: true });
  return {
    title: dashboard.title,
    ...(request.node ? { node: request.node } : {}),
    range: request.range,
    substitutions,
    panels: panels.map(({ parsed: _parsed, ...panel }) => panel),
    empty: panels.filter((panel) => panel.empty).length,
    total: panels.length,
    ...panelCounts(panels),
    requests: budget.sent,
    ...(notes.length > 0 ? { incomplete: [...new Set(notes)].join('; ') } : {}),
    sources,
  };
}
