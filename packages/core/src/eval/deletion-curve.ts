/**
 * Deletion curves for token heatmaps (issue 13, item 4): delete the k positions a heatmap ranks
 * highest, and k random positions, rescore, and compare how fast the score falls. The rescoring is
 * the caller's (for XDA: the kernel term α·⟨f(test'), f(train)⟩ recomputed by the network), so this
 * file is model-agnostic and can be checked on hand-made cases.
 */
import { InvalidOptionError } from '../errors.js';
import { mulberry32 } from '../random.js';

/** One heatmap to check: the score it explains and the relevance of each position. */
export interface DeletionCase {
  /** Score before any deletion; must be non-zero (its sign says which relevance speaks for it). */
  score: number;
  /** Relevance per position of the perturbed input. */
  relevance: ArrayLike<number>;
  /** Positions that may be deleted (e.g. every non-special token). */
  candidates: readonly number[];
}

export interface DeletionCurveOptions {
  /** Numbers of deleted positions, ascending. @default [1, 2, 4, 8, 16] */
  ks?: readonly number[];
  /** Random orders averaged per case. @default 5 */
  randomDraws?: number;
  /** Seed of the random orders (case j draws from mulberry32(seed + j)). @default 0 */
  seed?: number;
}

export interface ResolvedDeletionCurveOptions {
  ks: readonly number[];
  randomDraws: number;
  seed: number;
}

/** Documented defaults of `DeletionCurveOptions`. */
export const DEFAULT_DELETION_CURVE_OPTIONS: Readonly<ResolvedDeletionCurveOptions> = Object.freeze({
  ks: Object.freeze([1, 2, 4, 8, 16]),
  randomDraws: 5,
  seed: 0,
});

/** Validates `DeletionCurveOptions`; errors name the option. */
export function resolveDeletionCurveOptions(options: DeletionCurveOptions = {}): ResolvedDeletionCurveOptions {
  const r = { ...DEFAULT_DELETION_CURVE_OPTIONS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedDeletionCurveOptions;
  const ks = [...r.ks];
  if (ks.length === 0 || ks.some((k, i) => !Number.isInteger(k) || k < 1 || (i > 0 && k <= (ks[i - 1] as number)))) {
    throw new InvalidOptionError('ks', `must be ascending integers >= 1, got [${ks.join(', ')}]`);
  }
  if (!Number.isInteger(r.randomDraws) || r.randomDraws < 1) throw new InvalidOptionError('randomDraws', `must be an integer >= 1, got ${r.randomDraws}`);
  if (!Number.isInteger(r.seed)) throw new InvalidOptionError('seed', `must be an integer, got ${r.seed}`);
  return { ks, randomDraws: r.randomDraws, seed: r.seed };
}

/**
 * Rescoring: the score of case `caseIndex` with each listed position set deleted, one score per
 * set, in order.
 */
export type DeletionRescore = (caseIndex: number, deletions: readonly (readonly number[])[]) => ArrayLike<number>;

/** A drop curve over the k grid: relative drop 1 − s_k / s (0 = untouched, 1 = score gone). */
export interface DeletionCurve {
  /** Mean over cases, per k. */
  mean: number[];
  /** Median over cases, per k. */
  median: number[];
  /** Mean of `mean` over the k grid: the area under the curve with the ks equally spaced on a unit width. */
  area: number;
  /** The same area for `median` (robust to pairs whose small score makes relative drops large). */
  medianArea: number;
}

export interface DeletionCurveResult {
  ks: number[];
  /** Cases that entered the curves. */
  cases: number;
  /** Cases left out because their score is 0 (no relative drop) or they have no candidate. */
  skipped: number;
  /** Per k: cases with at most k candidates (all deleted, so both orders coincide there). */
  saturated: number[];
  /** Deleting in the heatmap's order. */
  relevance: DeletionCurve;
  /** Deleting in random order (mean over the draws per case, then over cases). */
  random: DeletionCurve;
  /** relevance.area − random.area: > 0 when the heatmap's order destroys the score faster than chance. */
  areaDifference: number;
  /** Per entered case: relative drops per k (relevance order, and random order averaged over draws). */
  perCase: { index: number; relevance: number[]; random: number[] }[];
}

/**
 * Candidates ordered by relevance for the score's sign (largest sign(score)·r first; ties by
 * position), i.e. the positions the heatmap says carry the score.
 *
 * @example
 * relevanceOrder({ score: 2, relevance: [0, 1, 3, -1], candidates: [1, 2, 3] }); // [2, 1, 3]
 */
export function relevanceOrder(c: DeletionCase): number[] {
  const s = Math.sign(c.score);
  return [...c.candidates].sort((a, b) => s * ((c.relevance[b] as number) - (c.relevance[a] as number)) || a - b);
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

function curve(rows: number[][], nk: number): DeletionCurve {
  const mean: number[] = [];
  const med: number[] = [];
  for (let q = 0; q < nk; q++) {
    const col = rows.map((r) => r[q] as number);
    mean.push(col.length === 0 ? Number.NaN : col.reduce((a, b) => a + b, 0) / col.length);
    med.push(median(col));
  }
  return { mean, median: med, area: mean.reduce((a, b) => a + b, 0) / nk, medianArea: med.reduce((a, b) => a + b, 0) / nk };
}

/**
 * Relevance-ordered vs random deletion curves over `cases`. Each random draw is one permutation of
 * the candidates whose first k are deleted for every k, so both curves delete nested sets.
 *
 * @example
 * const r = deletionCurves(cases, (j, sets) => sets.map((drop) => kernelWithout(j, drop)), { ks: [1, 4] });
 * r.areaDifference > 0; // the heatmaps point at positions that matter
 */
export function deletionCurves(cases: readonly DeletionCase[], rescore: DeletionRescore, options: DeletionCurveOptions = {}): DeletionCurveResult {
  const { ks, randomDraws, seed } = resolveDeletionCurveOptions(options);
  const nk = ks.length;
  const saturated = new Array<number>(nk).fill(0);
  const perCase: DeletionCurveResult['perCase'] = [];
  let skipped = 0;
  cases.forEach((c, j) => {
    if (c.score === 0 || !Number.isFinite(c.score) || c.candidates.length === 0) {
      skipped++;
      return;
    }
    const order = relevanceOrder(c);
    const rand = mulberry32(seed + j);
    const perms = Array.from({ length: randomDraws }, () => {
      const p = [...c.candidates];
      for (let a = p.length - 1; a > 0; a--) {
        const b = Math.floor(rand() * (a + 1));
        [p[a], p[b]] = [p[b] as number, p[a] as number];
      }
      return p;
    });
    const sets = ks.flatMap((k) => [order.slice(0, k), ...perms.map((p) => p.slice(0, k))]);
    const scores = rescore(j, sets);
    if (scores.length !== sets.length) throw new InvalidOptionError('rescore', `returned ${scores.length} scores for ${sets.length} deletion sets`);
    const drop = (i: number) => 1 - (scores[i] as number) / c.score;
    const rel: number[] = [];
    const rnd: number[] = [];
    ks.forEach((k, q) => {
      const base = q * (randomDraws + 1);
      rel.push(drop(base));
      let sum = 0;
      for (let r = 1; r <= randomDraws; r++) sum += drop(base + r);
      rnd.push(sum / randomDraws);
      if (c.candidates.length <= k) saturated[q] = (saturated[q] as number) + 1;
    });
    perCase.push({ index: j, relevance: rel, random: rnd });
  });
  const relevance = curve(perCase.map((p) => p.relevance), nk);
  const random = curve(perCase.map((p) => p.random), nk);
  return { ks: [...ks], cases: perCase.length, skipped, saturated, relevance, random, areaDifference: relevance.area - random.area, perCase };
}
