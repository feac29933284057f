/**
 * Mislabel detection from self-influence scores (dualda.md §3.3): rank training rows by score,
 * descending, and measure how fast the corrupted ones are found.
 */
import { InvalidShapeError } from '../errors.js';

export interface MislabelingResult {
  /** DualXDA's normalised AUC (raw − min)/(max − min). */
  auc: number;
  /** Σ_k curve_k / N before normalisation. */
  raw: number;
  /** curve_k = #corrupted among the top k / N_c, k = 1..N. */
  curve: Float64Array;
}

function check(scores: ArrayLike<number>, corrupted: ArrayLike<boolean | number>, name: string): number {
  if (scores.length !== corrupted.length) throw new InvalidShapeError(`[${scores.length}]`, `[${corrupted.length}]`, `${name} corrupted mask`);
  let nc = 0;
  for (let i = 0; i < corrupted.length; i++) if (corrupted[i]) nc++;
  return nc;
}

function curveOf(order: number[], corrupted: ArrayLike<boolean | number>, nc: number): Float64Array {
  const curve = new Float64Array(order.length);
  let hits = 0;
  order.forEach((i, k) => {
    if (corrupted[i]) hits++;
    curve[k] = hits / nc;
  });
  return curve;
}

/**
 * DualXDA's local metric (`src/metrics/corrupt_metrics.py`): max = ((N_c+1)/2 + N − N_c)/N and,
 * as in the reference, min = N_c/(2N). Ties in the scores keep ascending index order.
 *
 * @example
 * mislabelingDetection(selfInfluence(model, n), corruptedMask).auc;
 */
export function mislabelingDetection(scores: ArrayLike<number>, corrupted: ArrayLike<boolean | number>): MislabelingResult {
  const nc = check(scores, corrupted, 'mislabelingDetection');
  const N = scores.length;
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const curve = curveOf(order, corrupted, nc);
  let raw = 0;
  for (const v of curve) raw += v;
  raw /= N;
  const max = ((nc + 1) / 2 + N - nc) / N;
  const min = nc / (2 * N);
  return { auc: (raw - min) / (max - min), raw, curve };
}

/**
 * Upstream quanda's unnormalised score: stable descending sort of s_i + 1e-4·i (its index
 * tie-break, which is not negligible for small scores), trapezoid of the curve with unit spacing,
 * divided by N.
 *
 * @example
 * quandaMislabelingDetection(scores, corruptedMask);
 */
export function quandaMislabelingDetection(scores: ArrayLike<number>, corrupted: ArrayLike<boolean | number>): number {
  const nc = check(scores, corrupted, 'quandaMislabelingDetection');
  const N = scores.length;
  const key = Float64Array.from({ length: N }, (_, i) => (scores[i] as number) + 1e-4 * i);
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => (key[b] as number) - (key[a] as number) || a - b);
  const curve = curveOf(order, corrupted, nc);
  let area = 0;
  for (let k = 1; k < N; k++) area += ((curve[k - 1] as number) + (curve[k] as number)) / 2;
  return area / N;
}
