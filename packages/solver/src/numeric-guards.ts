/**
 * Float64 guards of the Crammer–Singer solve: a data-dependent upper bound on C checked before
 * solving, and a finiteness check of what a solve returns (a NaN must never become a model).
 */
import { SolverInputError, SolverNumericError } from './errors.js';

/**
 * Headroom below `Number.MAX_VALUE` for the bound of `maxCForData`: the bound covers the largest
 * sum the solver forms, and a few further additions must still not overflow.
 */
const HEADROOM = 4;

/**
 * Largest C for which every intermediate of the dual coordinate descent stays finite. With
 * |α_i^m| ≤ C (α_i^{y_i} ∈ [0, C], the others ≤ 0 and each row sums to 0) and
 * |x̃_i·x̃_j| ≤ max_i Q_ii (Cauchy–Schwarz), every gradient |w̃_m·x̃_i| is at most n·C·maxQ, and the
 * sub-problem (dualda.md §1.3) adds up to K of those plus Q_ii·C. So C·maxQ·K·(n+1) must stay below
 * `Number.MAX_VALUE` (with headroom). Infinity when maxQ is 0. ½‖W̃‖² is quadratic in α and not
 * covered: `checkFiniteSolution` catches it.
 *
 * @example
 * maxCForData(60, 3, 5.2); // ≈ 4.8e304
 */
export function maxCForData(n: number, K: number, maxQ: number): number {
  return maxQ > 0 ? Number.MAX_VALUE / HEADROOM / (maxQ * K * (n + 1)) : Number.POSITIVE_INFINITY;
}

/** Largest Q_ii = ‖x̃_i‖² in `q[0..rows)` and its row. */
export function largestNorm(q: Float64Array, rows: number): { maxQ: number; row: number } {
  let maxQ = 0;
  let row = 0;
  for (let i = 0; i < rows; i++) {
    if ((q[i] as number) > maxQ) {
      maxQ = q[i] as number;
      row = i;
    }
  }
  return { maxQ, row };
}

/**
 * Refuses a C that the data would overflow (see `maxCForData`; `SolverNumericError` on 'C'), and
 * squared norms that already overflowed (finite features whose ‖x‖² is Infinity; `SolverInputError`).
 */
export function checkCScale(C: number, n: number, K: number, maxQ: number, row: number): void {
  if (!Number.isFinite(maxQ)) {
    throw new SolverInputError('features', `‖x‖² of row ${row} overflows float64 (features around 1e154 or larger); rescale the features`);
  }
  const limit = maxCForData(n, K, maxQ);
  if (C > limit) {
    const reach = C * maxQ * K * (n + 1);
    throw new SolverNumericError(
      'C',
      `C = ${C} is too large for this data: the solver's sums reach C·max‖x̃‖²·K·(n+1) ${Number.isFinite(reach) ? `= ${reach.toExponential(2)}` : '> 1.8e308'}, beyond what float64 keeps finite; use C <= ${limit.toExponential(2)} (max‖x̃‖² = ${maxQ.toPrecision(4)} at row ${row}, n = ${n}, K = ${K})`,
      C,
    );
  }
}

/** Throws when the dual objective of a pass is NaN or ±Inf (the solve diverged numerically). */
export function checkFiniteDual(dual: number, pass: number, C: number): void {
  if (!Number.isFinite(dual)) throw new SolverNumericError('dualObjective', `became ${dual} at pass ${pass} (C = ${C}); the solve overflowed float64: use a smaller C or rescale the features`, C);
}

/** What `checkFiniteSolution` looks at besides alpha and W̃. */
export interface SolutionScalars {
  C: number;
  K: number;
  D: number;
  primal: number;
  dual: number;
  maxViolation: number;
}

/**
 * Throws `SolverNumericError` naming the first non-finite part of a finished solve (alpha row,
 * weight class, objective or KKT violation), so a NaN never reaches a saved model.
 */
export function checkFiniteSolution(alpha: Float64Array, w: Float64Array, s: SolutionScalars): void {
  const fix = `(C = ${s.C}); the solve overflowed float64: use a smaller C or rescale the features`;
  for (let t = 0; t < alpha.length; t++) {
    if (!Number.isFinite(alpha[t] as number)) throw new SolverNumericError('alpha', `alpha[${Math.floor(t / s.K)}, ${t % s.K}] is ${alpha[t]} ${fix}`, s.C);
  }
  for (let t = 0; t < w.length; t++) {
    if (!Number.isFinite(w[t] as number)) throw new SolverNumericError(t % s.D === s.D - 1 ? 'bias' : 'weights', `class ${Math.floor(t / s.D)} is ${w[t]} ${fix}`, s.C);
  }
  for (const [field, v] of [['primalObjective', s.primal], ['dualObjective', s.dual], ['maxViolation', s.maxViolation]] as const) {
    if (!Number.isFinite(v)) throw new SolverNumericError(field, `is ${v} ${fix}`, s.C);
  }
}
