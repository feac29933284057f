/**
 * Metrics that compare explanations with other explanations or with retraining outcomes
 * (dualda.md §3.5, §3.7). Retraining happens outside: callers supply its outputs.
 */
import { InvalidShapeError } from '../errors.js';
import { matrixDims, mean, spearman, type ScoreMatrix } from './stats.js';

/**
 * Model-randomisation check (quanda): mean over test rows of the Spearman correlation between
 * the explanation of the trained model and that of a parameter-randomised one. Lower is better.
 *
 * @example
 * modelRandomizationCheck({ data: a, shape: [B, n] }, { data: aRandom, shape: [B, n] });
 */
export function modelRandomizationCheck(original: ScoreMatrix, randomized: ScoreMatrix): number {
  const [rows, n] = matrixDims(original, 'modelRandomizationCheck original');
  const [r2, n2] = matrixDims(randomized, 'modelRandomizationCheck randomized');
  if (r2 !== rows || n2 !== n) throw new InvalidShapeError(`[${rows}, ${n}]`, `[${r2}, ${n2}]`, 'modelRandomizationCheck randomized');
  const per = new Float64Array(rows);
  for (let t = 0; t < rows; t++) {
    per[t] = spearman(Array.from({ length: n }, (_, i) => original.data[t * n + i] as number), Array.from({ length: n }, (_, i) => randomized.data[t * n + i] as number));
  }
  return mean(per);
}

export interface LdsInputs {
  /** Explanations, B × n. */
  explanations: ScoreMatrix;
  /** Subset membership, m × n (non-zero = training row i is in subset s). */
  subsets: ScoreMatrix;
  /**
   * Retrained outputs, B × m: o[t, s] = log_softmax(model_s(x_t))[c_t], c_t = the full model's
   * prediction (or the raw output for single-output models).
   */
  outputs: ScoreMatrix;
}

/**
 * Linear datamodeling score: mean over test rows of Spearman(o[t, ·], g[t, ·]) with
 * g[t, s] = Σ_{i ∈ S_s} a[t, i].
 *
 * @example
 * linearDatamodelingScore({ explanations, subsets, outputs }).score;
 */
export function linearDatamodelingScore(inputs: LdsInputs): { score: number; perRow: Float64Array } {
  const [rows, n] = matrixDims(inputs.explanations, 'lds explanations');
  const [m, n2] = matrixDims(inputs.subsets, 'lds subsets');
  const [r3, m3] = matrixDims(inputs.outputs, 'lds outputs');
  if (n2 !== n) throw new InvalidShapeError(`[m, ${n}]`, `[${m}, ${n2}]`, 'lds subsets');
  if (r3 !== rows || m3 !== m) throw new InvalidShapeError(`[${rows}, ${m}]`, `[${r3}, ${m3}]`, 'lds outputs');
  const a = inputs.explanations.data;
  const mask = inputs.subsets.data;
  const perRow = new Float64Array(rows);
  const g = new Float64Array(m);
  const o = new Float64Array(m);
  for (let t = 0; t < rows; t++) {
    for (let s = 0; s < m; s++) {
      let sum = 0;
      for (let i = 0; i < n; i++) if (mask[s * n + i]) sum += a[t * n + i] as number;
      g[s] = sum;
      o[s] = inputs.outputs.data[t * m + s] as number;
    }
    perRow[t] = spearman(o, g);
  }
  return { score: mean(perRow), perRow };
}
