import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@dualxda/core';
import { sortedOrder, testMetrics } from './test-sort.js';

describe('test-list sort keys', () => {
  it('computes margin, gold-label cross-entropy and confidence from the logits', () => {
    const logits = Float32Array.from([2, 0, 1, /* row 1 */ -1, -1, 3]);
    const m = testMetrics(logits, Int32Array.from([2, 2]), 3);
    expect(m.margin[0]).toBeCloseTo(1, 6);
    expect(m.margin[1]).toBeCloseTo(4, 6);
    const z = Math.log(Math.exp(2) + 1 + Math.exp(1));
    expect(m.loss[0]).toBeCloseTo(z - 1, 5);
    expect(m.confidence[0]).toBeCloseTo(Math.exp(2) / Math.exp(z), 6);
    expect(m.confidence[1]).toBeCloseTo(Math.exp(3) / (Math.exp(3) + 2 * Math.exp(-1)), 6);
    expect(m.loss[1]).toBeCloseTo(Math.log(Math.exp(3) + 2 * Math.exp(-1)) - 3, 5);
  });

  it('orders rows ascending with ties by row and NaN last, like a comparator sort', () => {
    const rand = mulberry32(5);
    const values = Float32Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? Number.NaN : i % 13 === 0 ? 0.5 : i % 17 === 0 ? -0 : (rand() - 0.5) * 10 ** Math.floor(rand() * 8 - 4)));
    const key = (r: number): number => (Number.isNaN(values[r]) ? Infinity : values[r]);
    const nanLast = (a: number, b: number): number => Number(Number.isNaN(values[a])) - Number(Number.isNaN(values[b]));
    const ref = Array.from(values, (_, r) => r).sort((a, b) => nanLast(a, b) || key(a) - key(b) || a - b);
    expect([...sortedOrder(values)]).toEqual(ref);
  });
});
