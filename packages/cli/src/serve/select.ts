/**
 * Small selection helpers of the API (the attribution itself is core's `explain`): top-k of a
 * score vector by sign and argmax of a logit row. Caller owns the output buffer.
 */

/**
 * Indices of the k largest (sign = 1) or k smallest (sign = -1) scores, best first; only strictly
 * positive (resp. negative) scores qualify, so a class with no opponents returns none.
 * Insertion into a k-slot buffer: O(n) for the scan, O(k) per accepted candidate.
 */
export function topK(scores: Float64Array, n: number, k: number, sign: 1 | -1, outIdx: Int32Array): number {
  let count = 0;
  for (let j = 0; j < n; j++) {
    const v = scores[j] * sign;
    if (!(v > 0)) continue;
    if (count === k && v <= scores[outIdx[k - 1]] * sign) continue;
    let pos = count < k ? count++ : k - 1;
    while (pos > 0 && scores[outIdx[pos - 1]] * sign < v) {
      outIdx[pos] = outIdx[pos - 1];
      pos--;
    }
    outIdx[pos] = j;
  }
  return count;
}

/** Index of the largest entry of x[offset .. offset + n) relative to offset (first on ties). */
export function argmax(x: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[offset + i] > x[offset + best]) best = i;
  return best;
}
