import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/**
 * What the explainer needs of a PromQL expression, read from Prometheus' own grammar
 * (@prometheus-io/lezer-promql, the parser of Prometheus' UI): its vector selectors with their matchers and
 * range windows, and its binary operations between vectors with their matching clauses. PURE.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
  /** As written, for steps and culprits (`node="lab-a"`). */
  text: string;
}

export interface Selector {
  /** As written, offset and @ modifiers excluded: `up{job="kubelet"}`. */
  text: string;
  /** The metric name, from the identifier or a `__name__="…"` matcher; null when neither names one. */
  metric: string | null;
  /** Every matcher except the one naming the metric. */
  matchers: Matcher[];
  /** The range of a matrix selector (`[5m]`), in ms. */
  windowMs?: number;
  /** The function the matrix selector is the argument of (`rate`). */
  fn?: string;
  /** ` offset 5m`, ` @ 1700000000` as written, kept when the selector is counted. */
  modifiers: string;
}

export interface Join {
  /** The whole binary expression as written. */
  text: string;
  op: string;
  left: string;
  right: string;
  /** `on(a, b)` / `ignoring(a)` as written (with `group_left(…)`), or "" for the default matching. */
  matching: string;
  on?: string[];
  ignoring?: string[];
}

export interface ParsedQuery {
  selectors: Selector[];
  joins: Join[];
  /** The top-level expression is a scalar (a number, `scalar(…)`, `time()`): counting it needs `vector()`. */
  scalar: boolean;
}

export class PromqlSyntaxError extends Error {
  override name = 'PromqlSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const MATCH_OPS: Record<string, MatchOp> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };
// Functions that need two samples in their window to return anything.
const TWO_SAMPLE_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear']);
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);

/** A PromQL string literal's value: double- and single-quoted with Go escapes, or raw in backticks. */
export function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, escape: string) => {
    if (escape.length > 1 && (escape[0] === 'u' || escape[0] === 'x')) return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]{3}$/.test(escape)) return String.fromCharCode(parseInt(escape, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[escape] ?? escape;
  });
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A PromQL duration (`5m`, `1h30m`, `90s`, or seconds as a number) in ms; null when it is an expression. */
export function durationMs(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+(ms|[smhdwy]))+$/.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(amount) * DURATION_UNITS[unit!]!;
  return total;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function hasVectorSelector(node: SyntaxNode): boolean {
  if (node.name === 'VectorSelector') return true;
  return children(node).some(hasVectorSelector);
}

function isScalarExpression(node: SyntaxNode, text: string): boolean {
  if (node.name === 'PromQL') return node.firstChild ? isScalarExpression(node.firstChild, text) : false;
  if (node.name === 'NumberDurationLiteral' || node.name === 'StringLiteral') return true;
  if (node.name === 'ParenExpr' || node.name === 'UnaryExpr') return children(node).some((child) => isScalarExpression(child, text));
  if (node.name === 'FunctionCall') return SCALAR_FUNCTIONS.has(text.slice(node.from, node.to).replace(/\(.*$/s, '').trim());
  if (node.name === 'BinaryExpr') {
    const operands = children(node).filter((child) => !/^(MatchingModifierClause|BoolModifier)$/.test(child.name) && child.to > child.from && !isOperator(child));
    return operands.every((child) => isScalarExpression(child, text));
  }
  return false;
}

const isOperator = (node: SyntaxNode) => /^(Pow|Mul|Div|Mod|Add|Sub|Eql|Gte|Gtr|Lte|Lss|Neq|And|Or|Unless|Atan2)$/.test(node.name);

/** Parses a query; a syntax error names where it is. */
export function parsePromql(query: string): ParsedQuery {
  const tree = parser.parse(query);
  let error: number | null = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === null) error = node.from;
    },
  });
  if (error !== null) {
    const at = error as number;
    throw new PromqlSyntaxError(`the query does not parse as PromQL near position ${at + 1}: "${query.slice(Math.max(0, at - 20), at + 20)}"`, at);
  }
  const selectors: Selector[] = [];
  const joins: Join[] = [];
  const text = (node: SyntaxNode) => query.slice(node.from, node.to);

  const visit = (node: SyntaxNode) => {
    if (node.name === 'VectorSelector') selectors.push(selectorOf(node, text));
    if (node.name === 'BinaryExpr') {
      const join = joinOf(node, query);
      if (join) joins.push(join);
    }
    for (const child of children(node)) visit(child);
  };
  visit(tree.topNode);
  return { selectors, joins, scalar: isScalarExpression(tree.topNode, query) };
}

function selectorOf(node: SyntaxNode, text: (node: SyntaxNode) => string): Selector {
  let metric: string | null = null;
  const matchers: Matcher[] = [];
  for (const child of children(node)) {
    if (child.name === 'Identifier') metric = text(child);
    if (child.name !== 'LabelMatchers') continue;
    for (const matcher of children(child)) {
      const parts = children(matcher);
      const nameNode = parts.find((part) => part.name === 'LabelName' || part.name === 'QuotedLabelName');
      const opNode = parts.find((part) => part.name === 'MatchOp')?.firstChild;
      const valueNode = parts.find((part) => part.name === 'StringLiteral');
      if (matcher.name === 'QuotedLabelName') {
        // `{"metric.name"}`: Prometheus 3's quoted metric name.
        metric = unquote(text(matcher));
        continue;
      }
      if (!nameNode || !opNode || !valueNode) continue;
      const label = nameNode.name === 'QuotedLabelName' ? unquote(text(nameNode)) : text(nameNode);
      const op = MATCH_OPS[opNode.name] ?? '=';
      const value = unquote(text(valueNode));
      if (label === '__name__' && op === '=') metric = value;
      else matchers.push({ label, op, value, text: text(matcher) });
    }
  }
  const selector: Selector = { text: text(node), metric, matchers, modifiers: '' };
  // Up the tree: a matrix selector's window, the function it feeds, and offset / @ modifiers.
  let parent = node.parent;
  if (parent?.name === 'MatrixSelector') {
    const duration = children(parent).find((child) => child.name === 'DurationExpr' || child.name === 'NumberDurationLiteralInDurationContext');
    const windowMs = duration ? durationMs(text(duration)) : null;
    if (windowMs !== null) selector.windowMs = windowMs;
    parent = parent.parent;
  }
  const modifiers: string[] = [];
  while (parent && (parent.name === 'OffsetExpr' || parent.name === 'StepInvariantExpr')) {
    const inner = parent.firstChild!;
    modifiers.push(text(parent).slice(inner.to - parent.from));
    parent = parent.parent;
  }
  selector.modifiers = modifiers.join('');
  if (selector.windowMs !== undefined && parent?.name === 'FunctionCallBody' && parent.parent?.name === 'FunctionCall') {
    const name = text(parent.parent.firstChild!);
    if (TWO_SAMPLE_FUNCTIONS.has(name)) selector.fn = name;
  }
  return selector;
}

function joinOf(node: SyntaxNode, query: string): Join | null {
  const text = (part: SyntaxNode) => query.slice(part.from, part.to);
  const parts = children(node);
  const operator = parts.find(isOperator);
  const clause = parts.find((part) => part.name === 'MatchingModifierClause');
  const operands = parts.filter((part) => part !== operator && part !== clause && part.name !== 'BoolModifier');
  const [left, right] = [operands[0], operands[operands.length - 1]];
  // Only operations between two vectors match series: a number on either side applies to every series.
  if (!operator || !left || !right || left === right || !hasVectorSelector(left) || !hasVectorSelector(right)) return null;
  // `scalar(x) * 100` is a number for every series too.
  if (isScalarExpression(left, query) || isScalarExpression(right, query)) return null;
  if (operator.name === 'Or') return null; // `or` never empties a result.
  const join: Join = { text: text(node), op: text(operator), left: text(left), right: text(right), matching: clause ? text(clause) : '' };
  if (clause) {
    const labels = (children(clause).find((child) => child.name === 'GroupingLabels') ? children(children(clause).find((child) => child.name === 'GroupingLabels')!) : []).map((label) => (label.name === 'QuotedLabelName' ? unquote(text(label)) : text(label)));
    if (clause.firstChild?.name === 'On') join.on = labels;
    if (clause.firstChild?.name === 'Ignoring') join.ignoring = labels;
  }
  return join;
}
