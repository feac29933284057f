/** Participation ratio, entropy effective rank and top share of a spectrum (types.ts has the definitions). */
import type { SpectrumStats } from './types.js';

/**
 * Summaries of eigenvalues `values[0..n)` (any order; negatives, i.e. rounding noise of a PSD
 * matrix, count as 0). Keeps the `top` largest eigenvalues, descending.
 *
 * @example
 * spectrumStats(new Float64Array([1, 1, 1, 1]), 2);
 * // { participationRatio: 4, effectiveRank: 4, topShare: 0.25, trace: 4, topEigenvalues: [1, 1] }
 */
export function spectrumStats(values: ArrayLike<number>, top: number): SpectrumStats {
  const n = values.length;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, values[i] as number);
  // Ratios are scale-free; dividing by λ₁ first keeps Σλ² from under- or overflowing.
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n && max > 0; i++) {
    const l = Math.max(0, values[i] as number) / max;
    sum += l;
    sumSq += l * l;
  }
  const sorted = Array.from(values, (v) => Math.max(0, v)).sort((a, b) => b - a);
  const topEigenvalues = sorted.slice(0, Math.max(0, top));
  if (!(max > 0) || !Number.isFinite(max)) return { participationRatio: 0, effectiveRank: 0, topShare: 0, trace: Number.isFinite(max) ? 0 : max, topEigenvalues };
  let entropy = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.max(0, values[i] as number) / max / sum;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return { participationRatio: (sum * sum) / sumSq, effectiveRank: Math.exp(entropy), topShare: 1 / sum, trace: sum * max, topEigenvalues };
}
