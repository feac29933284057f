import { checkFiniteSolution } from './numeric-guards.js';
import type { SolverResult, StopReason } from './types.js';

/** Everything the result builder needs besides alpha and w. */
export interface ResultInputs {
  n: number;
  K: number;
  d: number;
  biasScale: number;
  /** For the finiteness check's message. */
  C: number;
  iterations: number;
  stopReason: StopReason;
  maxViolation: number;
  primal: number;
  dual: number;
  /** Share of rows the final weights classify as their label. */
  accuracy: number;
  seconds: number;
  labelMapping: Int32Array | undefined;
}

/**
 * Packs alpha (n x K) sparsely and splits W̃ (K x (d+1)) into weights and the intercept. Every mode
 * ends here, so this is where a non-finite solve is refused (`SolverNumericError`).
 */
export function buildResult(alpha: Float64Array, w: Float64Array, r: ResultInputs): SolverResult {
  const { n, K, d } = r;
  const D = d + 1;
  checkFiniteSolution(alpha, w, { C: r.C, K, D, primal: r.primal, dual: r.dual, maxViolation: r.maxViolation });
  let nSV = 0;
  for (let i = 0; i < n; i++) if (!rowIsZero(alpha, i, K)) nSV++;
  const svIndices = new Int32Array(nSV);
  const svAlpha = new Float64Array(nSV * K);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (rowIsZero(alpha, i, K)) continue;
    svIndices[s] = i;
    svAlpha.set(alpha.subarray(i * K, i * K + K), s * K);
    s++;
  }
  const weights = new Float64Array(K * d);
  const bias = new Float64Array(K);
  for (let m = 0; m < K; m++) {
    weights.set(w.subarray(m * D, m * D + d), m * d);
    // sklearn's intercept_ = intercept_scaling * w̃[d], so decision = weights·x + bias.
    bias[m] = r.biasScale * (w[m * D + d] as number);
  }
  const result: SolverResult = {
    svIndices,
    svAlpha,
    weights,
    bias,
    classes: K,
    dim: d,
    iterations: r.iterations,
    converged: r.stopReason === 'tolerance',
    stopReason: r.stopReason,
    maxViolation: r.maxViolation,
    dualObjective: r.dual,
    primalObjective: r.primal,
    dualityGap: r.primal - r.dual,
    supportVectorCount: nSV,
    trainAccuracy: r.accuracy,
    seconds: r.seconds,
  };
  if (r.labelMapping) result.labelMapping = r.labelMapping;
  return result;
}

function rowIsZero(alpha: Float64Array, i: number, K: number): boolean {
  for (let m = 0; m < K; m++) if (alpha[i * K + m] !== 0) return false;
  return true;
}
