/**
 * Sparsity of explanation rows as in DualXDA's `development:results/sparsity.py`
 * (dualda.md §1.10), each averaged over test rows.
 */
import { matrixDims, type ScoreMatrix } from './stats.js';

export interface SparsityResult {
  perRow: Float64Array;
  mean: number;
}

/** Documented defaults of the sparsity metrics. */
export const DEFAULT_SPARSITY_OPTIONS = { epsilon: 1e-6 } as const;

/**
 * ℓ0^ε sparsity: the fraction of entries with |a_i / max_j a_j| < ε, where max is the SIGNED row
 * maximum (the reference's quirk: an all-negative row divides by a negative number, an all-zero
 * row gives 0/0 = NaN and counts nothing).
 *
 * @example
 * sparsityL0({ data: [4, 0, 1e-9, -2], shape: [1, 4] }).mean; // 0.5
 */
export function sparsityL0(scores: ScoreMatrix, options: { epsilon?: number } = {}): SparsityResult {
  const eps = options.epsilon ?? DEFAULT_SPARSITY_OPTIONS.epsilon;
  const [rows, n] = matrixDims(scores, 'sparsityL0 scores');
  const { data } = scores;
  const perRow = new Float64Array(rows);
  for (let t = 0; t < rows; t++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, data[t * n + i] as number);
    let count = 0;
    for (let i = 0; i < n; i++) if (Math.abs((data[t * n + i] as number) / max) < eps) count++;
    perRow[t] = count / n;
  }
  return { perRow, mean: meanOf(perRow) };
}

/**
 * Hoyer sparsity (√n − ‖a‖₁/‖a‖₂)/(√n − 1); an all-zero row counts as 1 (fully sparse).
 *
 * @example
 * sparsityHoyer({ data: [0, 0, 3, 0], shape: [1, 4] }).mean; // 1
 */
export function sparsityHoyer(scores: ScoreMatrix): SparsityResult {
  const [rows, n] = matrixDims(scores, 'sparsityHoyer scores');
  const { data } = scores;
  const perRow = new Float64Array(rows);
  const sq = Math.sqrt(n);
  for (let t = 0; t < rows; t++) {
    let l1 = 0, l2 = 0;
    for (let i = 0; i < n; i++) {
      const v = data[t * n + i] as number;
      l1 += Math.abs(v);
      l2 += v * v;
    }
    perRow[t] = l2 === 0 ? 1 : (sq - l1 / Math.sqrt(l2)) / (sq - 1);
  }
  return { perRow, mean: meanOf(perRow) };
}

function meanOf(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return x.length === 0 ? NaN : s / x.length;
}
