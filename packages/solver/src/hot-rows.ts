/**
 * Bounded in-memory cache of support-vector rows for block mode (the "hot" set of selective block
 * minimisation): feature rows (`D` values each, the bias not included) plus Q_ii in flat Float64
 * slots, keyed by global row index.
 */
export interface HotRows {
  capacity: number;
  D: number;
  x: Float64Array;
  q: Float64Array;
  /** Global row of each used slot (first `size` entries). */
  rowOf: Int32Array;
  size: number;
  slotOf: Map<number, number>;
}

/** An empty cache of `capacity` rows of width D. */
export function createHotRows(capacity: number, D: number): HotRows {
  return { capacity, D, x: new Float64Array(capacity * D), q: new Float64Array(capacity), rowOf: new Int32Array(capacity), size: 0, slotOf: new Map() };
}

/** Caches row `i` (copied from x at xOff) if there is room; no-op when already cached or full. */
export function addHotRow(h: HotRows, i: number, x: Float64Array, xOff: number, qi: number): void {
  if (h.slotOf.has(i) || h.size >= h.capacity) return;
  const s = h.size++;
  h.x.set(x.subarray(xOff, xOff + h.D), s * h.D);
  h.q[s] = qi;
  h.rowOf[s] = i;
  h.slotOf.set(i, s);
}

/** Drops cached rows whose alpha row is all zero (no longer support vectors), compacting slots. */
export function evictNonSupport(h: HotRows, alpha: Float64Array, K: number): void {
  let s = 0;
  while (s < h.size) {
    const i = h.rowOf[s] as number;
    let zero = true;
    for (let m = 0; m < K; m++) if (alpha[i * K + m] !== 0) zero = false;
    if (!zero) {
      s++;
      continue;
    }
    h.slotOf.delete(i);
    const last = --h.size;
    if (last !== s) {
      const j = h.rowOf[last] as number;
      h.x.copyWithin(s * h.D, last * h.D, last * h.D + h.D);
      h.q[s] = h.q[last] as number;
      h.rowOf[s] = j;
      h.slotOf.set(j, s);
    }
  }
}
