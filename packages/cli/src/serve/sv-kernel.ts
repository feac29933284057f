/**
 * The hot path of `/api/tests/:row`: kernel row G_j = <f, x_j> over the cached support vectors, then
 * A_j = alpha[j, c] * G_j (shared/reference/dualda.md 1.6) and a top-k selection. Rows that are not
 * support vectors have alpha = 0 and so attribution exactly 0; they are never touched.
 * Caller owns every output buffer; nothing allocates inside the loops.
 */

/** out[j] = <mat[j, :], vec> for j < rows (mat row-major rows x dim). Returns `out`. */
export function dotRowsF32(rows: number, dim: number, mat: Float32Array, vec: Float32Array, out: Float64Array): Float64Array {
  for (let j = 0; j < rows; j++) {
    const base = j * dim;
    // Four accumulators break the add dependency chain; V8 keeps them in registers.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += mat[base + i] * vec[i];
      s1 += mat[base + i + 1] * vec[i + 1];
      s2 += mat[base + i + 2] * vec[i + 2];
      s3 += mat[base + i + 3] * vec[i + 3];
    }
    for (; i < dim; i++) s0 += mat[base + i] * vec[i];
    out[j] = s0 + s1 + s2 + s3;
  }
  return out;
}

/** out[m] = sum_j alpha[j, m] * g[j] (+ bias[m]): the surrogate logits. Returns `out`. */
export function surrogateLogits(
  rows: number,
  classes: number,
  alpha: Float32Array | Float64Array,
  g: Float64Array,
  bias: Float32Array | Float64Array | undefined,
  out: Float64Array,
): Float64Array {
  for (let m = 0; m < classes; m++) out[m] = bias === undefined ? 0 : bias[m];
  for (let j = 0; j < rows; j++) {
    const gj = g[j];
    if (gj === 0) continue;
    const base = j * classes;
    for (let m = 0; m < classes; m++) out[m] += alpha[base + m] * gj;
  }
  return out;
}

/** out[j] = alpha[j, c] * g[j]. Returns `out`. */
export function classScores(rows: number, classes: number, alpha: Float32Array | Float64Array, g: Float64Array, c: number, out: Float64Array): Float64Array {
  for (let j = 0; j < rows; j++) out[j] = alpha[j * classes + c] * g[j];
  return out;
}

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
