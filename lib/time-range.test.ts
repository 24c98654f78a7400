import { describe, expect, it } from 'vitest';
import { frozen, isRelative, resolveRange, resolveTime, timeExpressionSchema } from './time-range';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');

describe('Grafana time expressions', () => {
  it.each([
    ['now', NOW],
    ['now-6h', NOW - 6 * 3_600_000],
    ['now-30m', NOW - 30 * 60_000],
    ['now-2d', NOW - 2 * 86_400_000],
    ['now-1w', NOW - 604_800_000],
    ['now-45s', NOW - 45_000],
    ['1763812800000', 1_763_812_800_000],
    ['2026-11-22T10:00:00Z', Date.parse('2026-11-22T10:00:00Z')],
    ['2026-11-22T10:00:00.250+01:00', Date.parse('2026-11-22T09:00:00.250Z')],
  ])('%s', (text, expected) => {
    const expression = timeExpressionSchema.parse(text);
    expect(resolveTime(expression, NOW)).toBe(expected);
  });

  it.each(['', 'yesterday', 'now-6x', 'now+1h', 'now-h', '12', '2026-13-45T00:00Z', '1e12', 'now-6h; drop'])('refuses "%s"', (text) => {
    expect(timeExpressionSchema.safeParse(text).success).toBe(false);
  });

  it('tells relative from absolute', () => {
    expect(isRelative('now-6h')).toBe(true);
    expect(isRelative('1763812800000')).toBe(false);
  });
});

describe('resolveRange', () => {
  it('defaults to the last 6 hours', () => {
    expect(resolveRange(undefined, undefined, NOW)).toEqual({ from: 'now-6h', to: 'now', startMs: NOW - 6 * 3_600_000, endMs: NOW });
  });

  it('clamps a future end to now', () => {
    expect(resolveRange('now-1h', String(NOW + 3_600_000), NOW)).toMatchObject({ endMs: NOW });
  });

  it.each([
    ['now', 'now-1h', /must be before/],
    ['now-1h', 'now-1h', /must be before/],
    ['now-40d', 'now', /longer than 31 days/],
  ])('refuses from=%s to=%s', (from, to, message) => {
    expect(resolveRange(from, to, NOW)).toMatch(message);
  });

  it('freezes a relative range into epoch milliseconds that resolve to the same instants', () => {
    const range = resolveRange('now-6h', 'now', NOW);
    if (typeof range === 'string') throw new Error(range);
    const ends = frozen(range);
    expect(ends).toEqual({ from: String(NOW - 6 * 3_600_000), to: String(NOW) });
    expect(resolveRange(ends.from, ends.to, NOW + 86_400_000)).toMatchObject({ startMs: range.startMs, endMs: range.endMs });
  });
});
