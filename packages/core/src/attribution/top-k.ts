/**
 * Fixed-capacity top-k selection over caller-owned typed arrays (one heap per test row), so the
 * explain hot loop never allocates. `sign = 1` keeps the k largest scores (min-heap at the root),
 * `sign = -1` the k smallest. Ties keep the earlier index (replacement needs a strictly better score).
 */

/**
 * The score a candidate must beat strictly (`sign` · score > `sign` · threshold) to enter the heap:
 * 0 while it has room (only positive scores are proponents, negative ones opponents), then its
 * root; never beaten when `cap` is 0. Lets the caller skip `heapOffer` for almost every score.
 */
export function offerThreshold(scores: Float64Array, off: number, count: number, cap: number, sign: number): number {
  if (cap === 0) return sign * Infinity;
  return count < cap ? 0 : (scores[off] as number);
}

/** Offers (score, index) to the heap stored at `off` with `count` live entries; returns the new count. */
export function heapOffer(scores: Float64Array, idx: Int32Array, off: number, count: number, cap: number, score: number, index: number, sign: number): number {
  const key = sign * score;
  if (count < cap) {
    // Sift up from the end.
    let pos = count;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (sign * (scores[off + parent] as number) <= key) break;
      scores[off + pos] = scores[off + parent] as number;
      idx[off + pos] = idx[off + parent] as number;
      pos = parent;
    }
    scores[off + pos] = score;
    idx[off + pos] = index;
    return count + 1;
  }
  if (cap === 0 || key <= sign * (scores[off] as number)) return count;
  // Replace the root and sift down.
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= cap) break;
    const r = l + 1;
    let child = l;
    if (r < cap && sign * (scores[off + r] as number) < sign * (scores[off + l] as number)) child = r;
    if (sign * (scores[off + child] as number) >= key) break;
    scores[off + pos] = scores[off + child] as number;
    idx[off + pos] = idx[off + child] as number;
    pos = child;
  }
  scores[off + pos] = score;
  idx[off + pos] = index;
  return count;
}

/**
 * Returns the heap's entries ordered best first (largest for sign 1, smallest for sign -1; ties by
 * ascending index). Allocates: call it outside hot loops.
 */
export function heapSorted(scores: Float64Array, idx: Int32Array, off: number, count: number, sign: number): { index: number; score: number }[] {
  const out: { index: number; score: number }[] = [];
  for (let q = 0; q < count; q++) out.push({ index: idx[off + q] as number, score: scores[off + q] as number });
  out.sort((x, y) => sign * (y.score - x.score) || x.index - y.index);
  return out;
}
