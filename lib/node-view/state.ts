import { z } from 'zod';
import type { Finding } from '@/lib/contract/finding';
import { DEFAULT_FROM, DEFAULT_TO, frozen, isRelative, resolveRange, timeExpressionSchema, type ResolvedRange } from '@/lib/time-range';

/**
 * The node page's view state, all of it in the URL so that a copied link opens the same view: the range
 * (`from`/`to` in Grafana's syntax) and the focused finding. PURE.
 */

export const nodeViewSearchSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  finding: z.string().max(400).optional(),
  cluster: z.string().max(200).optional(),
});

export interface NodeView {
  range: ResolvedRange;
  /** The cluster of a store that holds several, as asked (checked against the store's clusters by the page). */
  cluster?: string;
  finding?: string;
  /** Set when from/to could not be read: the page says so and shows the default range. */
  rangeError?: string;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function readNodeView(search: Record<string, string | string[] | undefined>, nowMs: number): NodeView {
  const parsed = nodeViewSearchSchema.parse({ from: first(search.from), to: first(search.to), finding: first(search.finding)?.slice(0, 400), cluster: first(search.cluster)?.slice(0, 200) });
  const withCluster = <T extends object>(view: T): T & Pick<NodeView, 'cluster'> => (parsed.cluster ? { ...view, cluster: parsed.cluster } : view);
  const fallback = resolveRange(DEFAULT_FROM, DEFAULT_TO, nowMs) as ResolvedRange;
  const from = timeExpressionSchema.safeParse(parsed.from ?? DEFAULT_FROM);
  const to = timeExpressionSchema.safeParse(parsed.to ?? DEFAULT_TO);
  const finding = parsed.finding || undefined;
  if (!from.success || !to.success) {
    const bad = !from.success ? `from "${parsed.from}"` : `to "${parsed.to}"`;
    return withCluster({ range: fallback, finding, rangeError: `${bad}: ${(from.error ?? to.error)!.issues[0]!.message}; showing the last 6 hours instead` });
  }
  const range = resolveRange(from.data, to.data, nowMs);
  if (typeof range === 'string') return withCluster({ range: fallback, finding, rangeError: `${range}; showing the last 6 hours instead` });
  return withCluster({ range, finding });
}

/** The query string of a view; `overrides` change the range or the finding (null removes it). */
export function nodeViewSearch(view: Pick<NodeView, 'range' | 'finding' | 'cluster'>, overrides: { from?: string; to?: string; finding?: string | null } = {}): string {
  const params = new URLSearchParams({ ...(view.cluster ? { cluster: view.cluster } : {}), from: overrides.from ?? view.range.from, to: overrides.to ?? view.range.to });
  const finding = overrides.finding === null ? undefined : (overrides.finding ?? view.finding);
  if (finding) params.set('finding', finding);
  return `?${params}`;
}

/** "Freeze range": the same view with absolute ends, or null when the range is absolute already. */
export function frozenSearch(view: Pick<NodeView, 'range' | 'finding' | 'cluster'>): string | null {
  if (!isRelative(view.range.from) && !isRelative(view.range.to)) return null;
  return nodeViewSearch(view, frozen(view.range));
}

/** A finding's stable id in links: kind and subject (both stable for the same fault). */
export const findingId = (finding: Pick<Finding, 'kind' | 'subject'>) => `${finding.kind}:${finding.subject}`;

/** The same id as an HTML id attribute (letters, digits, dashes). */
export const findingAnchor = (finding: Pick<Finding, 'kind' | 'subject'>) => `finding-${findingId(finding).replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;

export const RANGE_PRESETS = [
  { label: 'Last hour', from: 'now-1h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
] as const;
