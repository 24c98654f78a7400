import { describe, expect, it } from 'vitest';
import { parsePromFloat } from './prom-float';

describe('parsePromFloat', () => {
  it.each([
    ['1', 1],
    ['0.5', 0.5],
    ['1e+06', 1e6],
    ['-2.5e-07', -2.5e-7],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
  ])('parses %s', (text, value) => expect(parsePromFloat(text)).toBe(value));
  it('parses NaN', () => expect(parsePromFloat('NaN')).toBeNaN());
  it.each(['', 'abc', ' '])('rejects "%s"', (text) => expect(() => parsePromFloat(text)).toThrow(/not a Prometheus sample value/));
});
