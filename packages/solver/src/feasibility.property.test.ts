import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityError } from '../test/helpers.js';
import { createMemorySource } from '../test/memory-source.js';
import { solveCrammerSinger } from './solve.js';
import { solveCrammerSingerBlocks } from './block.js';

/** A small random problem: every class present at least once, features of mixed scale. */
const problem = fc
  .record({ n: fc.integer({ min: 4, max: 40 }), d: fc.integer({ min: 1, max: 6 }), K: fc.integer({ min: 2, max: 4 }), logC: fc.integer({ min: -5, max: 2 }), seed: fc.integer({ min: 1, max: 1 << 30 }) })
  .map(({ n, d, K, logC, seed }) => {
    let s = seed;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const x = Float32Array.from({ length: n * d }, () => (rand() * 2 - 1) * (rand() < 0.1 ? 50 : 1));
    const y = Int32Array.from({ length: n }, (_, i) => (i < K ? i : Math.floor(rand() * K)));
    return { n, d, K, C: 10 ** logC, x, y };
  });

/** Float rounding of W = sum alpha x grows with the feature scale; a broken constraint is far above it. */
function tolerance(x: Float32Array, C: number): number {
  let m = 1;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return 1e-9 * Math.max(1, C) * m;
}

describe('Crammer–Singer dual feasibility (property-based)', () => {
  it('every solution keeps alpha[i,y_i] in [0,C], the other entries <= 0, rows summing to 0, and W = sum alpha x', () => {
    fc.assert(
      fc.property(problem, ({ n, d, C, x, y }) => {
        const r = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C, maxPasses: 200 });
        expect(identityError(r, x, y, n, C)).toBeLessThan(tolerance(x, C));
        expect(r.dualObjective).toBeLessThanOrEqual(r.primalObjective * (1 + 1e-9) + 1e-12);
        for (const v of r.svAlpha) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 60, seed: 20261205 },
    );
  });

  it('the streamed block solver keeps the same identities', async () => {
    await fc.assert(
      fc.asyncProperty(problem, fc.integer({ min: 1, max: 16 }), async ({ n, d, C, x, y }, blockRows) => {
        const r = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, blockRows), { C, maxPasses: 200 });
        expect(identityError(r, x, y, n, C)).toBeLessThan(tolerance(x, C));
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
