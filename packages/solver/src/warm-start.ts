import { SolverInputError } from './errors.js';
import type { Rows } from './gradients.js';
import type { WarmStart } from './types.js';

/**
 * Writes a previous solution into `alpha` (n x K, zero-filled by the caller), projected onto the
 * feasible set of the current labels and C: off-label entries are clipped to ≤ 0, α_y is set to
 * minus their sum, and a row whose α_y would exceed C is scaled by C/α_y (keeps signs and the zero
 * row sum). Rows beyond the previous solution (appended data) start at zero.
 * Returns Σ_i α_{i,y_i}.
 */
export function applyWarmStart(ws: WarmStart, alpha: Float64Array, y: Int32Array, K: number, C: number): number {
  const { svIndices, svAlpha } = ws;
  const n = y.length;
  if (!(svIndices instanceof Int32Array) || !(svAlpha instanceof Float64Array) || svAlpha.length !== svIndices.length * K) {
    throw new SolverInputError('warmStart', `expected svIndices Int32Array and svAlpha Float64Array of ${svIndices?.length} x ${K}`);
  }
  let sumY = 0;
  for (let s = 0; s < svIndices.length; s++) {
    const i = svIndices[s] as number;
    if (!(i >= 0 && i < n)) throw new SolverInputError('warmStart', `svIndices[${s}] = ${i} is outside 0..${n - 1}`);
    const yi = y[i] as number;
    let off = 0;
    for (let m = 0; m < K; m++) {
      const v = svAlpha[s * K + m] as number;
      if (!Number.isFinite(v)) throw new SolverInputError('warmStart', `svAlpha row ${s} is not finite`);
      if (m !== yi) off += Math.min(0, v);
    }
    const scale = -off > C ? C / -off : 1;
    for (let m = 0; m < K; m++) {
      alpha[i * K + m] = m === yi ? -off * scale : Math.min(0, svAlpha[s * K + m] as number) * scale;
    }
    sumY += alpha[i * K + yi] as number;
  }
  return sumY;
}

/**
 * w (K x D) += Σ_i alpha[i, :]ᵀ x̃_i over rows [0, rows) of x (D − 1 features per row, x̃ = [x ; bias])
 * starting at global row first.
 */
export function accumulateWeights(alpha: Float64Array, K: number, D: number, x: Rows, xOff: number, rows: number, first: number, w: Float64Array, bias: number): void {
  const dx = D - 1;
  for (let r = 0; r < rows; r++) {
    const aBase = (first + r) * K;
    const o = xOff + r * dx;
    for (let m = 0; m < K; m++) {
      const a = alpha[aBase + m] as number;
      if (a === 0) continue;
      const wo = m * D;
      for (let j = 0; j < dx; j++) w[wo + j] = (w[wo + j] as number) + a * (x[o + j] as number);
      w[wo + dx] = (w[wo + dx] as number) + a * bias;
    }
  }
}
