import { z } from 'zod';

/**
 * Time ranges as Grafana writes them in URLs, so that a Grafana data link (`${__from}`, `${__to}`) or a
 * hand-typed link both work: `now`, `now-6h` (s, m, h, d, w), epoch milliseconds, or an ISO 8601 date.
 * Relative expressions stay relative until resolved against a clock. PURE.
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^now(?:-(\d{1,6})([smhdw]))?$/;
const EPOCH_MS = /^\d{10,14}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const timeExpressionSchema = z
  .string()
  .trim()
  .refine((text) => RELATIVE.test(text) || EPOCH_MS.test(text) || (ISO.test(text) && !Number.isNaN(Date.parse(text))), {
    message: 'expected now, now-<n><s|m|h|d|w> (as in now-6h), epoch milliseconds, or an ISO 8601 date',
  });

export type TimeExpression = z.infer<typeof timeExpressionSchema>;

export function isRelative(expression: TimeExpression): boolean {
  return expression.startsWith('now');
}

/** The expression's instant, in epoch milliseconds, against `nowMs`. */
export function resolveTime(expression: TimeExpression, nowMs: number): number {
  const relative = RELATIVE.exec(expression);
  if (relative) return relative[1] ? nowMs - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS] : nowMs;
  if (EPOCH_MS.test(expression)) return Number(expression);
  return Date.parse(expression);
}

export const DEFAULT_FROM = 'now-6h';
export const DEFAULT_TO = 'now';
/** Longer ranges are refused: at the timeline's resolution they would ask Prometheus for too much. */
export const MAX_RANGE_MS = 31 * UNIT_MS.d;

export interface ResolvedRange {
  from: TimeExpression;
  to: TimeExpression;
  startMs: number;
  endMs: number;
}

/**
 * Resolves `from` and `to` (defaults: the last 6 hours); an error message when the range is empty, reversed or
 * too long. A `to` in the future is clamped to now: there is nothing to see there.
 */
export function resolveRange(from: TimeExpression = DEFAULT_FROM, to: TimeExpression = DEFAULT_TO, nowMs: number): ResolvedRange | string {
  const startMs = resolveTime(from, nowMs);
  const endMs = Math.min(resolveTime(to, nowMs), nowMs);
  if (startMs >= endMs) return `from (${from}) must be before to (${to}) and before now`;
  if (endMs - startMs > MAX_RANGE_MS) return `the range from ${from} to ${to} is longer than 31 days`;
  return { from, to, startMs, endMs };
}

/** "Freeze range": the same range with absolute ends, for a link that shows the same data tomorrow. */
export function frozen(range: ResolvedRange): { from: string; to: string } {
  return { from: String(range.startMs), to: String(range.endMs) };
}
