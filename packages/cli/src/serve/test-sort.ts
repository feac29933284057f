/**
 * Per-row sort keys of the lists, computed once into typed arrays, and the row order per key (an
 * O(n log n) sort cached per key), so a sorted page is O(limit).
 *
 * Test-row keys come from the original model's logits z (row of K):
 * - margin = z[top1] - z[top2] (the gap between the two largest logits; 0 when K = 1);
 * - loss = cross-entropy of the gold label under softmax(z) = logsumexp(z) - z[label];
 * - confidence = max softmax(z).
 * Self-influence ||x_i||^2 alpha[i, y_i] (dualda.md 1.7) needs alpha, which only training rows have,
 * so it is a key of the training list only.
 */

/** Sort keys of `/api/tests`. */
export const TEST_SORT_KEYS = ['row', 'margin', 'loss', 'confidence'] as const;
export type TestSortKey = (typeof TEST_SORT_KEYS)[number];

/** Margin, loss and confidence of every test row (Float32, n each). */
export interface TestMetrics {
  margin: Float32Array;
  loss: Float32Array;
  confidence: Float32Array;
}

/** One pass over the logits (n x K). */
export function testMetrics(logits: Float32Array, labels: Int32Array, K: number): TestMetrics {
  const n = labels.length;
  const margin = new Float32Array(n);
  const loss = new Float32Array(n);
  const confidence = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    const o = t * K;
    let top1 = -Infinity;
    let top2 = -Infinity;
    for (let m = 0; m < K; m++) {
      const z = logits[o + m];
      if (z > top1) {
        top2 = top1;
        top1 = z;
      } else if (z > top2) top2 = z;
    }
    let sum = 0;
    for (let m = 0; m < K; m++) sum += Math.exp(logits[o + m] - top1);
    const lse = top1 + Math.log(sum);
    const y = labels[t];
    margin[t] = K > 1 ? top1 - top2 : 0;
    loss[t] = y >= 0 && y < K ? lse - logits[o + y] : Number.NaN;
    confidence[t] = 1 / sum;
  }
  return { margin, loss, confidence };
}

/** Rows with key < 2^21 pack (ordered float32 bits, row) exactly into one float64 (53 bits). */
const PACK_ROWS = 2 ** 21;

/**
 * Rows sorted by `values` ascending, ties by row; NaN last. Uses a native Float64Array sort of
 * packed keys when n < 2^21 (about 10x faster than a comparator sort at 1M rows).
 */
export function sortedOrder(values: Float32Array | Float64Array): Int32Array {
  const n = values.length;
  const out = new Int32Array(n);
  if (n < PACK_ROWS) {
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const packed = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const v = values[r];
      f[0] = Number.isNaN(v) ? Infinity : v;
      // Order-preserving map of float32 bits to uint32: flip all bits of negatives, the sign of positives.
      const u = bits[0] & 0x80000000 ? ~bits[0] >>> 0 : (bits[0] | 0x80000000) >>> 0;
      packed[r] = (Number.isNaN(v) ? 0xffffffff : u) * PACK_ROWS + r;
    }
    packed.sort();
    for (let i = 0; i < n; i++) out[i] = packed[i] % PACK_ROWS;
    return out;
  }
  for (let r = 0; r < n; r++) out[r] = r;
  const key = (r: number): number => (Number.isNaN(values[r]) ? Infinity : values[r]);
  out.sort((a, b) => key(a) - key(b) || a - b);
  return out;
}
