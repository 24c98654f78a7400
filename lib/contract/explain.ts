import { z } from 'zod';
import { FINDING_KINDS } from './finding';
import { resolvedRangeSchema } from './range';
import { sourceStatusSchema } from './source';

/**
 * GET /api/v1/explain and the /explain page: why a PromQL query is empty for a node, selector by selector.
 * The verdict ids are stable (docs/api.md); a new one may be added, an existing one never changes meaning.
 */

export const SELECTOR_VERDICTS = ['ok', 'metric-never-existed', 'metric-disappeared', 'label-never-present', 'label-value-absent', 'matcher-excludes-all', 'range-too-short', 'not-explained'] as const;
export const JOIN_VERDICTS = ['ok', 'no-matching-labels'] as const;

export const stepSchema = z.object({ query: z.string(), series: z.number().int().nonnegative() });

export const linkedFindingSchema = z.object({ node: z.string(), kind: z.enum(FINDING_KINDS), cause: z.string(), subject: z.string() });

export const selectorExplanationSchema = z.object({
  selector: z.string(),
  /** Series it selects at `at`. */
  series: z.number().int().nonnegative(),
  verdict: z.enum(SELECTOR_VERDICTS),
  culprit: z.object({ matcher: z.string().optional(), label: z.string().optional() }).optional(),
  /** When the selector last had a sample within the last 7 days, where it is empty now. */
  lastSeen: z.string().optional(),
  /**
   * Prometheus itself restarted (`prometheus-restart`) or stored nothing of itself (`prometheus-gap`) within
   * ten minutes after that last sample: the series may have ended with Prometheus, not with its target.
   */
  lastSeenCause: z.enum(['prometheus-restart', 'prometheus-gap']).optional(),
  /** The verdict in one sentence. */
  reason: z.string(),
  /** Values the culprit label has on other series (other nodes, other containers), at most five. */
  otherValues: z.array(z.string()).optional(),
  steps: z.array(stepSchema),
  findings: z.array(linkedFindingSchema),
});

export const joinExplanationSchema = z.object({
  expression: z.string(),
  left: z.number().int().nonnegative(),
  right: z.number().int().nonnegative(),
  verdict: z.enum(JOIN_VERDICTS),
  /** One series of each side, and the labels the operation matches on, where they do not meet. */
  example: z.object({ left: z.record(z.string(), z.string()), right: z.record(z.string(), z.string()), matchOn: z.array(z.string()), differing: z.array(z.string()) }).optional(),
  reason: z.string(),
});

export const substitutionSchema = z.object({ name: z.string(), value: z.string(), source: z.enum(['request', 'node', 'prometheus', 'dashboard', 'built-in']), note: z.string().optional() });

export const explanationSchema = z.object({
  query: z.string(),
  substituted: z.string(),
  substitutions: z.array(substitutionSchema),
  node: z.string().optional(),
  /** The cluster, in a store that holds several (docs/api.md "Clusters"). */
  cluster: z.string().optional(),
  at: z.string(),
  range: resolvedRangeSchema,
  /** No series at any step of the range: what a Grafana panel shows as "No data". */
  empty: z.boolean(),
  /** Series at `at`. */
  series: z.number().int().nonnegative(),
  selectors: z.array(selectorExplanationSchema),
  joins: z.array(joinExplanationSchema),
  /** Prometheus requests this explanation sent (at most EXPLAIN_REQUEST_BUDGET, the node's findings aside). */
  requests: z.number().int().nonnegative(),
  /** Set when the budget or the time ran out before every step was asked: what was left out. */
  incomplete: z.string().optional(),
  sources: z.array(sourceStatusSchema),
});

export const panelExplanationSchema = z.object({
  panel: z.string(),
  panelId: z.number().optional(),
  refId: z.string(),
  query: z.string(),
  substituted: z.string(),
  empty: z.boolean(),
  series: z.number().int().nonnegative(),
  /** The full explanation of an empty panel's query, where the dashboard's budget allowed one. */
  explanation: explanationSchema.optional(),
  /** Why the panel's query could not be asked (unresolved variable, syntax). */
  error: z.string().optional(),
});

export const dashboardExplanationSchema = z.object({
  title: z.string(),
  node: z.string().optional(),
  /** The cluster, in a store that holds several (docs/api.md "Clusters"). */
  cluster: z.string().optional(),
  range: resolvedRangeSchema,
  substitutions: z.array(substitutionSchema),
  /** Every panel query, the empty ones first. */
  panels: z.array(panelExplanationSchema),
  /** Panel queries with no series over the range, of all. */
  empty: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Panels all of whose queries are empty (what Grafana shows as "No data"), of all panels with a query. */
  emptyPanels: z.number().int().nonnegative(),
  totalPanels: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  incomplete: z.string().optional(),
  sources: z.array(sourceStatusSchema),
});

export type SelectorVerdict = (typeof SELECTOR_VERDICTS)[number];
export type SelectorExplanation = z.infer<typeof selectorExplanationSchema>;
export type JoinExplanation = z.infer<typeof joinExplanationSchema>;
export type Explanation = z.infer<typeof explanationSchema>;
export type PanelExplanation = z.infer<typeof panelExplanationSchema>;
export type DashboardExplanation = z.infer<typeof dashboardExplanationSchema>;
export type LinkedFinding = z.infer<typeof linkedFindingSchema>;
