import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proponentDiversity } from './diversity.js';

/** Mean pairwise Jaccard the plain way: every pair, sets from the first k distinct entries. */
function bruteMeanJaccard(lists: number[][], k: number): { mean: number | null; pairs: number } {
  const sets = lists.map((l) => new Set(l.slice(0, k)));
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      const A = sets[a] as Set<number>;
      const B = sets[b] as Set<number>;
      if (A.size === 0 && B.size === 0) continue;
      let inter = 0;
      for (const r of A) if (B.has(r)) inter++;
      sum += inter / (A.size + B.size - inter);
      pairs++;
    }
  }
  return { mean: pairs === 0 ? null : sum / pairs, pairs };
}

describe('proponentDiversity mean Jaccard', () => {
  it('equals the all-pairs computation on random, overlapping, duplicated and empty lists', () => {
    const lists = fc.array(fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 8 }), { maxLength: 40 });
    fc.assert(
      fc.property(lists, fc.integer({ min: 1, max: 6 }), (ls, k) => {
        const got = proponentDiversity({ proponents: ls, trainRows: 15 }, { k }).proponents;
        const want = bruteMeanJaccard(ls, k);
        expect(got.pairs).toBe(want.pairs);
        if (want.mean === null) expect(got.meanJaccard).toBeNull();
        else expect(Math.abs((got.meanJaccard as number) - want.mean)).toBeLessThan(1e-12);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
