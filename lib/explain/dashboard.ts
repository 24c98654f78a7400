import { z } from 'zod';

/**
 * A Grafana dashboard's JSON model, as exported or as a provisioning ConfigMap holds it: its Prometheus
 * queries (panels, panels inside rows, the legacy `rows[].panels`, library panels whose model an external
 * export carries in `__elements`) and its template variables. PURE. Only what the explainer reads is
 * checked; everything else passes through unread.
 */

const MAX_DASHBOARD_TARGETS = 400;

const datasourceSchema = z.union([z.string(), z.object({ type: z.string().optional(), uid: z.string().optional() }).loose(), z.null()]).optional();

const targetSchema = z
  .object({
    expr: z.string().max(20_000).optional(),
    refId: z.string().max(64).optional(),
    hide: z.boolean().optional(),
    datasource: datasourceSchema,
  })
  .loose();

interface RawPanel {
  id?: number;
  title?: string;
  type?: string;
  datasource?: z.infer<typeof datasourceSchema>;
  targets?: z.infer<typeof targetSchema>[];
  panels?: RawPanel[];
  libraryPanel?: { uid?: string; name?: string };
}

const panelSchema: z.ZodType<RawPanel> = z.lazy(() =>
  z
    .object({
      id: z.number().optional(),
      title: z.string().max(500).optional(),
      type: z.string().optional(),
      datasource: datasourceSchema,
      targets: z.array(targetSchema).max(MAX_DASHBOARD_TARGETS).optional(),
      panels: z.array(panelSchema).max(MAX_DASHBOARD_TARGETS).optional(),
      libraryPanel: z.object({ uid: z.string().optional(), name: z.string().optional() }).loose().optional(),
    })
    .loose(),
);

const variableSchema = z
  .object({
    name: z.string().max(200),
    type: z.string().optional(),
    query: z.union([z.string(), z.object({ query: z.string().optional() }).loose(), z.null()]).optional(),
    current: z.object({ value: z.union([z.string(), z.array(z.string())]).optional() }).loose().nullable().optional(),
    options: z.array(z.object({ value: z.union([z.string(), z.array(z.string())]).optional() }).loose()).optional(),
  })
  .loose();

const libraryElementSchema = z.object({ uid: z.string().optional(), model: panelSchema.optional() }).loose();

const dashboardSchema = z
  .object({
    title: z.string().max(500).optional(),
    panels: z.array(panelSchema).max(MAX_DASHBOARD_TARGETS).optional(),
    rows: z.array(z.object({ panels: z.array(panelSchema).optional() }).loose()).optional(),
    templating: z.object({ list: z.array(variableSchema).max(200).optional() }).loose().optional(),
    // Keyed by uid in external exports; some tools write an (empty) array.
    __elements: z.union([z.record(z.string(), libraryElementSchema), z.array(libraryElementSchema)]).optional(),
  })
  .loose();

export interface DashboardVariable {
  name: string;
  type: string;
  /** The variable's query (`label_values(up{job="kubelet"}, instance)`), for query variables. */
  query?: string;
  /** Its saved value, or its first option: what Grafana shows before anyone picks. */
  saved?: string;
}

export interface DashboardQuery {
  panel: string;
  panelId?: number;
  refId: string;
  expr: string;
}

export interface Dashboard {
  title: string;
  variables: DashboardVariable[];
  queries: DashboardQuery[];
}

export class DashboardError extends Error {
  override name = 'DashboardError';
}

const NOT_PROMETHEUS = /^(?!prometheus$)/;

/** A data source that is named as another kind (Loki, the Grafana source); a variable or uid counts as Prometheus. */
function otherKind(datasource: z.infer<typeof datasourceSchema>): boolean {
  if (!datasource || typeof datasource === 'string') return datasource === '-- Grafana --' || datasource === '-- Dashboard --';
  return datasource.type !== undefined && NOT_PROMETHEUS.test(datasource.type) && !datasource.type.startsWith('$');
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The dashboard's Prometheus queries and variables; a DashboardError says what is wrong with the JSON. */
export function readDashboard(json: unknown): Dashboard {
  // A ConfigMap's or an API answer's wrapper: { dashboard: {...} }.
  const model = json && typeof json === 'object' && 'dashboard' in json && typeof json.dashboard === 'object' ? json.dashboard : json;
  const parsed = dashboardSchema.safeParse(model);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DashboardError(`this is not a Grafana dashboard's JSON model: ${issue?.path.join('.') || 'the document'}: ${issue?.message ?? 'invalid'}`);
  }
  const dashboard = parsed.data;
  const library = new Map(Object.entries(dashboard.__elements ?? {}).map(([key, element]) => [element.uid ?? key, element.model]));
  const queries: DashboardQuery[] = [];
  const visit = (panels: readonly RawPanel[], inherited?: z.infer<typeof datasourceSchema>) => {
    for (const found of panels) {
      const panel = found.libraryPanel?.uid && library.get(found.libraryPanel.uid) ? { ...library.get(found.libraryPanel.uid)!, title: found.title ?? library.get(found.libraryPanel.uid)!.title } : found;
      if (panel.panels) visit(panel.panels, panel.datasource ?? inherited);
      const datasource = panel.datasource ?? inherited;
      for (const target of panel.targets ?? []) {
        if (!target.expr?.trim() || target.hide || otherKind(target.datasource ?? datasource)) continue;
        if (queries.length >= MAX_DASHBOARD_TARGETS) throw new DashboardError(`the dashboard has more than ${MAX_DASHBOARD_TARGETS} queries; gapscope explains at most that many at once`);
        queries.push({ panel: panel.title?.trim() || `panel ${panel.id ?? queries.length + 1}`, ...(panel.id !== undefined ? { panelId: panel.id } : {}), refId: target.refId ?? String.fromCharCode(65 + (panel.targets ?? []).indexOf(target)), expr: target.expr });
      }
    }
  };
  visit(dashboard.panels ?? []);
  for (const row of dashboard.rows ?? []) visit(row.panels ?? []);
  if (queries.length === 0) throw new DashboardError('the dashboard has no Prometheus query (no panel target with an expr)');
  const variables = (dashboard.templating?.list ?? []).map((variable) => {
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? undefined);
    const saved = firstValue(variable.current?.value ?? undefined) ?? firstValue(variable.options?.[0]?.value);
    return { name: variable.name, type: variable.type ?? 'query', ...(query ? { query } : {}), ...(saved !== undefined && saved !== '$__all' ? { saved } : {}) };
  });
  return { title: dashboard.title ?? 'Untitled dashboard', variables, queries };
}

/** `label_values(selector, label)` or `label_values(label)`: Grafana's Prometheus variable query. */
export function labelValuesQuery(query: string): { selector?: string; label: string } | null {
  const match = /^\s*label_values\(\s*(?:(.*?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(query);
  if (!match) return null;
  return { ...(match[1] ? { selector: match[1] } : {}), label: match[2]! };
}
