import { z } from 'zod';
import { ApiError } from '@/lib/http/api-error';
import { clusterNameSchema } from '@/lib/topology/cluster-name';
import { nodeNameSchema } from '@/lib/topology/node-name';
import { resolveRange, timeExpressionSchema, type ResolvedRange } from '@/lib/time-range';
import { DashboardError, readDashboard, type Dashboard } from './dashboard';

/**
 * The explainer's request, from a URL (GET, the page, the embed: the state is the link) or a JSON body
 * (POST, with a dashboard). Validated here; nothing in it is ever fetched.
 */

export const MAX_QUERY_LENGTH = 4_000;
/** A dashboard's JSON: Node Exporter Full, among the largest, is about 500 kB. */
export const MAX_DASHBOARD_BYTES = 4 * 1024 * 1024;
const MAX_VARIABLES = 40;

const variableName = z.string().regex(/^\w{1,100}$/, 'a variable name is letters, digits and _');
const variablesSchema = z.record(variableName, z.string().max(1_000)).refine((vars) => Object.keys(vars).length <= MAX_VARIABLES, `at most ${MAX_VARIABLES} variables`);

export const explainParamsSchema = z.object({
  query: z.string().trim().min(1, 'a query is required').max(MAX_QUERY_LENGTH, `at most ${MAX_QUERY_LENGTH} characters`),
  node: nodeNameSchema.optional(),
  cluster: clusterNameSchema.optional(),
  from: timeExpressionSchema.optional(),
  to: timeExpressionSchema.optional(),
  vars: variablesSchema,
});

export const explainBodySchema = z.object({
  query: explainParamsSchema.shape.query.optional(),
  dashboard: z.unknown().optional(),
  node: nodeNameSchema.optional(),
  cluster: clusterNameSchema.optional(),
  from: timeExpressionSchema.optional(),
  to: timeExpressionSchema.optional(),
  vars: variablesSchema.optional(),
});

export interface ExplainInput {
  query?: string;
  dashboard?: Dashboard;
  node?: string;
  /** The cluster of a store that holds several (`cluster=`, else Grafana's `var-cluster=` where the label is so named). */
  cluster?: string;
  range: ResolvedRange;
  vars: Record<string, string>;
}

function rangeOf(from: string | undefined, to: string | undefined, now: number): ResolvedRange {
  const range = resolveRange(from, to, now);
  if (typeof range === 'string') throw new ApiError(400, 'bad-request', range);
  return range;
}

/** `var-<name>=<value>` parameters, as Grafana writes them in dashboard links. */
export function variablesOf(search: URLSearchParams): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of search) if (key.startsWith('var-')) vars[key.slice(4)] = value;
  return vars;
}

/** ?query=&node=&from=&to=&var-x= */
export function explainParamsOf(search: URLSearchParams, now: number): ExplainInput {
  const parsed = explainParamsSchema.safeParse({
    query: search.get('query') ?? '',
    node: search.get('node') || undefined,
    cluster: search.get('cluster') || undefined,
    from: search.get('from') || undefined,
    to: search.get('to') || undefined,
    vars: variablesOf(search),
  });
  if (!parsed.success) throw ApiError.fromZod(parsed.error);
  const { query, node, cluster, from, to, vars } = parsed.data;
  return { query, ...(node ? { node } : {}), ...(cluster ? { cluster } : {}), range: rangeOf(from, to, now), vars };
}

/** { query } or { dashboard }, with node, from, to and vars. */
export function explainBodyOf(body: unknown, now: number): ExplainInput {
  const parsed = explainBodySchema.safeParse(body);
  if (!parsed.success) throw ApiError.fromZod(parsed.error);
  const { query, dashboard, node, cluster, from, to, vars } = parsed.data;
  if ((query === undefined) === (dashboard === undefined)) throw new ApiError(400, 'bad-request', 'send either a query or a dashboard');
  let read: Dashboard | undefined;
  if (dashboard !== undefined) {
    try {
      read = readDashboard(dashboard);
    } catch (error) {
      if (error instanceof DashboardError) throw new ApiError(400, 'bad-request', error.message);
      throw error;
    }
  }
  return { ...(query ? { query } : {}), ...(read ? { dashboard: read } : {}), ...(node ? { node } : {}), ...(cluster ? { cluster } : {}), range: rangeOf(from, to, now), vars: vars ?? {} };
}
