/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index arrays whose length they set */
import { describe, expect, it } from 'vitest';
import type { HeadTransform } from '../checkpoint/head-transform.js';
import { applyHeadTransform, erf } from './apply-head-transform.js';

describe('erf', () => {
  it('matches reference values to 2e-7 and is odd', () => {
    // erf(0.5), erf(1), erf(2), erf(3) (Abramowitz & Stegun table 7.1)
    const table: [number, number][] = [[0, 0], [0.5, 0.5204998778], [1, 0.8427007929], [2, 0.9953222650], [3, 0.9999779095]];
    for (const [x, y] of table) {
      expect(Math.abs(erf(x) - y)).toBeLessThan(2e-7);
      expect(erf(-x)).toBeCloseTo(-y, 6);
    }
    expect(erf(40)).toBe(1);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
  });
});

describe('applyHeadTransform', () => {
  it('is LayerNorm(GELU(x Wᵀ + b)) per row, computed by hand for H = 2', () => {
    const tr: HeadTransform = { name: 't', denseWeight: Float32Array.of(1, 0, 0, 2), denseBias: Float32Array.of(0, -1), normWeight: Float32Array.of(1, 3), normBias: Float32Array.of(0.5, 0), eps: 0 };
    const x = Float32Array.of(1, 2, -2, 0.5);
    const out = applyHeadTransform(tr, 2, 2, x);
    const gelu = (v: number): number => 0.5 * v * (1 + erf(v / Math.SQRT2));
    for (let r = 0; r < 2; r++) {
      const u = [gelu(x[2 * r]!), gelu(2 * x[2 * r + 1]! - 1)];
      const mean = (u[0]! + u[1]!) / 2;
      const sd = Math.abs(u[0]! - u[1]!) / 2;
      expect(out[2 * r]).toBeCloseTo(((u[0]! - mean) / sd) * 1 + 0.5, 5);
      expect(out[2 * r + 1]).toBeCloseTo(((u[1]! - mean) / sd) * 3, 5);
    }
    // No rows: nothing to do.
    expect(applyHeadTransform(tr, 0, 2, new Float32Array(0))).toHaveLength(0);
  });
});
