import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { quoteLabelValue } from './promql';

/**
 * PromQL rewritten for one cluster of a store that holds several (a `cluster` label on every series, written
 * by each cluster's agent as an external label). PURE.
 *
 * - scopedQuery: every vector selector gets the cluster's matcher, as prom-label-proxy enforces a tenant's
 *   label (https://github.com/prometheus-community/prom-label-proxy). One rule in one place, so no query of
 *   any family, of the timeline or of the explainer can read another cluster's series, and a node name that
 *   repeats across clusters is never mixed up. A query is rewritten on Prometheus' own grammar
 *   (@prometheus-io/lezer-promql), not by string patterns, so matchers inside strings, subqueries and
 *   `@` modifiers are left alone.
 * - perClusterQuery: the same query for every cluster at once, its aggregations and `on (…)` matchings
 *   keeping the cluster label, so that one answer can be split by cluster (the fleet-of-clusters page asks
 *   each question once, not once per cluster).
 */

export interface ClusterMatcher {
  label: string;
  value: string;
}

interface Insertion {
  at: number;
  text: string;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** The tree of a query; a query that does not parse is sent as it is, for the store to reject in its words. */
function parsed(query: string): SyntaxNode | null {
  const tree = parser.parse(query);
  let broken = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) broken = true;
    },
  });
  return broken ? null : tree.topNode;
}

function applied(query: string, insertions: Insertion[]): string {
  let out = query;
  for (const { at, text } of insertions.sort((a, b) => b.at - a.at)) out = `${out.slice(0, at)}${text}${out.slice(at)}`;
  return out;
}

function each(node: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  visit(node);
  for (const child of children(node)) each(child, visit);
}

/** Adds `label` to a grouping list `(a, b)` -> `(label, a, b)`; nothing where it is listed already. */
function intoGrouping(grouping: SyntaxNode, label: string, query: string): Insertion | null {
  const names = children(grouping).map((name) => query.slice(name.from, name.to).replace(/^"|"$/g, ''));
  if (names.includes(label)) return null;
  return { at: grouping.from + 1, text: names.length > 0 ? `${label}, ` : label };
}

/**
 * `query` with `matchers` (`a="x",b=~"y"`) added to every vector selector, or to those whose metric name
 * `where` accepts (a selector without a name, `{__name__=~…}`, only when `where` is not given).
 */
export function withMatchers(query: string, matchers: string, where?: (metric: string) => boolean): string {
  const top = parsed(query);
  if (!top) return query;
  const insertions: Insertion[] = [];
  each(top, (node) => {
    if (node.name !== 'VectorSelector') return;
    const name = children(node).find((child) => child.name === 'Identifier');
    if (where && !(name && where(query.slice(name.from, name.to)))) return;
    const braces = children(node).find((child) => child.name === 'LabelMatchers');
    if (braces) insertions.push({ at: braces.from + 1, text: children(braces).length > 0 ? `${matchers},` : matchers });
    else insertions.push({ at: node.to, text: `{${matchers}}` });
  });
  return applied(query, insertions);
}

/** `query` with `label="value"` on every vector selector. */
export function scopedQuery(query: string, { label, value }: ClusterMatcher): string {
  return withMatchers(query, `${label}=${quoteLabelValue(value)}`);
}

/** A selector for the label names / values APIs (`match[]`), scoped; none given: every series of the cluster. */
export function scopedSelectors(selectors: readonly string[], cluster: ClusterMatcher): string[] {
  return selectors.length > 0 ? selectors.map((selector) => scopedQuery(selector, cluster)) : [`{${cluster.label}=${quoteLabelValue(cluster.value)}}`];
}

/**
 * Functions whose answer has no labels (or only those of its matchers), or, for scalar(), one value for
 * every cluster's series together: a query using them cannot be split by cluster. (`time()` and `pi()` are
 * the same for every cluster.)
 */
const UNSPLITTABLE = /^(scalar|vector|absent|absent_over_time)$/;

export class NotSplittable extends Error {
  override name = 'NotSplittable';
}

/**
 * `query` with the cluster label kept through every aggregation (`by (…)` gains it, a bare `sum(x)` becomes
 * `sum by (cluster) (x)`; `without` keeps it already) and every `on (…)` matching; throws NotSplittable for
 * a function whose answer carries no labels.
 */
export function perClusterQuery(query: string, label: string): string {
  const top = parsed(query);
  if (!top) return query;
  const insertions: Insertion[] = [];
  each(top, (node) => {
    if (node.name === 'FunctionCall') {
      const name = query.slice(node.firstChild!.from, node.firstChild!.to);
      if (UNSPLITTABLE.test(name)) throw new NotSplittable(`${name}() answers without labels: its result cannot be split by ${label}`);
    }
    if (node.name === 'AggregateExpr') {
      const modifier = children(node).find((child) => child.name === 'AggregateModifier');
      if (!modifier) insertions.push({ at: node.firstChild!.to, text: ` by (${label})` });
      else if (modifier.firstChild?.name === 'By') {
        const insertion = intoGrouping(children(modifier).find((child) => child.name === 'GroupingLabels')!, label, query);
        if (insertion) insertions.push(insertion);
      }
    }
    if (node.name === 'MatchingModifierClause' && node.firstChild?.name === 'On') {
      const insertion = intoGrouping(children(node).find((child) => child.name === 'GroupingLabels')!, label, query);
      if (insertion) insertions.push(insertion);
    }
  });
  return applied(query, insertions);
}
