import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { DEFAULT_DELETION_CURVE_OPTIONS, deletionCurves, relevanceOrder, resolveDeletionCurveOptions, type DeletionCase } from './deletion-curve.js';

/**
 * A bag-of-embeddings "model": score = ⟨Σ_p w[x_p], g⟩, so position p contributes exactly
 * c_p = ⟨w[x_p], g⟩ and deleting a set D leaves score − Σ_{p∈D} c_p.
 */
function additiveCases(n: number, seed: number): { cases: DeletionCase[]; contributions: Float64Array[] } {
  const rand = mulberry32(seed);
  const contributions: Float64Array[] = [];
  const cases: DeletionCase[] = [];
  for (let j = 0; j < n; j++) {
    const len = 6 + Math.floor(rand() * 20);
    // A few positions carry most of the score, as in a real e-mail.
    const c = Float64Array.from({ length: len }, () => (rand() < 0.2 ? 2 + 3 * rand() : rand() - 0.4));
    c[0] = 0.5; // a [CLS]-like position that is never a candidate
    contributions.push(c);
    cases.push({ score: c.reduce((a, b) => a + b, 0), relevance: c, candidates: Array.from({ length: len - 1 }, (_, p) => p + 1) });
  }
  return { cases, contributions };
}

const rescoreOf = (contributions: Float64Array[]) => (j: number, sets: readonly (readonly number[])[]) =>
  sets.map((drop) => (contributions[j] as Float64Array).reduce((s, v, p) => (drop.includes(p) ? s : s + v), 0));

describe('deletionCurves', () => {
  it('relevance-ordered deletion of an additive score beats random deletion, and a reversed heatmap loses', () => {
    const { cases, contributions } = additiveCases(12, 7);
    const good = deletionCurves(cases, rescoreOf(contributions), { ks: [1, 2, 4], randomDraws: 8 });
    expect(good.cases).toBe(12);
    expect(good.areaDifference).toBeGreaterThan(0.05);
    good.ks.forEach((_, q) => expect(good.relevance.mean[q]).toBeGreaterThan(good.random.mean[q] as number));
    // The exact contributions are the best possible order: every per-case drop >= its random mean.
    for (const p of good.perCase) p.relevance.forEach((v, q) => expect(v).toBeGreaterThanOrEqual((p.random[q] as number) - 1e-12));
    const reversed = cases.map((c) => ({ ...c, relevance: Array.from(c.relevance, (v) => -v) }));
    const bad = deletionCurves(reversed, rescoreOf(contributions), { ks: [1, 2, 4], randomDraws: 8 });
    expect(bad.areaDifference).toBeLessThan(0);
    // Random draws depend only on the seed and case index, not on the heatmap.
    expect(bad.random.mean).toEqual(good.random.mean);
  });

  it('computes relative drops by hand and follows the score sign', () => {
    // Score -4 (an opponent): the most negative relevance speaks for it.
    const c: DeletionCase = { score: -4, relevance: [0, -3, -1, 0.5, -0.5], candidates: [1, 2, 3, 4] };
    expect(relevanceOrder(c)).toEqual([1, 2, 4, 3]);
    const r = deletionCurves([c], rescoreOf([Float64Array.from([0, -3, -1, 0.5, -0.5])]), { ks: [1, 2, 4], randomDraws: 3 });
    // k=1: -4 → -1 (drop .75); k=2: → 0 (1); k=4: all deleted → 0 (1), as are the random draws.
    expect(r.relevance.mean).toEqual([0.75, 1, 1]);
    expect(r.random.mean[2]).toBeCloseTo(1, 12);
    expect(r.saturated).toEqual([0, 0, 1]);
    expect(r.relevance.area).toBeCloseTo(2.75 / 3, 12);
    expect(r.relevance.medianArea).toBeCloseTo(2.75 / 3, 12);
    // Medians resist one case whose tiny score blows its relative drop up.
    const three = deletionCurves([c, c, { ...c, score: -1e-3 }], (_j, sets) => rescoreOf([Float64Array.from([0, -3, -1, 0.5, -0.5])])(0, sets), { ks: [1], randomDraws: 1 });
    expect(three.relevance.median).toEqual([0.75]);
    expect(three.relevance.mean[0]).toBeLessThan(-100);
  });

  it('skips zero scores, checks the rescore length and validates options', () => {
    const zero: DeletionCase = { score: 0, relevance: [1, 1], candidates: [0, 1] };
    const r = deletionCurves([zero], () => [], {});
    expect(r).toMatchObject({ cases: 0, skipped: 1 });
    expect(Number.isNaN(r.relevance.area)).toBe(true);
    expect(() => deletionCurves([{ score: 1, relevance: [1], candidates: [0] }], () => [1], { ks: [1] })).toThrow(/rescore/);
    expect(() => resolveDeletionCurveOptions({ ks: [2, 1] })).toThrow(/option ks/);
    expect(() => resolveDeletionCurveOptions({ randomDraws: 0 })).toThrow(/option randomDraws/);
    expect(resolveDeletionCurveOptions()).toEqual({ ks: [1, 2, 4, 8, 16], randomDraws: 5, seed: 0 });
    expect(DEFAULT_DELETION_CURVE_OPTIONS.ks).toEqual([1, 2, 4, 8, 16]);
  });
});
