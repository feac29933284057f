import { describe, expect, it } from 'vitest';
import { columnFormatter, formatScore, formatSigned } from './format.js';

describe('formatScore', () => {
  it('never writes numbers from 1000 up in exponent form', () => {
    expect(formatScore(1800)).toBe('1800');
    expect(formatScore(-123456.7)).toBe('-123457');
    expect(formatScore(0.5)).toBe('0.500');
  });
});

describe('columnFormatter', () => {
  it('uses one number of decimals per column and a "+" on positives', () => {
    const f = columnFormatter([1800, 0.25, -3]);
    expect([1800, 0.25, -3].map(f)).toEqual(['+1800', '+0', '-3']);
    const g = columnFormatter([0.0552, 0.00314, -0.01]);
    expect([0.0552, 0.00314, -0.01].map(g)).toEqual(['+0.0552', '+0.0031', '-0.0100']);
  });

  it('adds digits until the top proponents no longer look tied', () => {
    const top = [0.123456, 0.123449, 0.1201];
    const f = columnFormatter(top);
    const out = top.map(f);
    expect(new Set(out).size).toBe(3);
    expect(out.every((s) => s.length === out[0]?.length)).toBe(true);
    expect(out[0]).toBe('+0.1235');
  });

  it('falls back to one exponent format for tiny columns, and handles zero and non-finite', () => {
    expect(columnFormatter([3e-12, -1e-11])(3e-12)).toBe('+3.00e-12');
    expect(columnFormatter([0, 0])(0)).toBe('0');
    expect(columnFormatter([1, NaN])(NaN)).toBe('NaN');
    expect(formatSigned(-0.5)).toBe('-0.500');
    expect(columnFormatter([2], { signed: false })(2)).toBe('2.00');
  });
});
