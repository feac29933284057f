/** Numeric comparison shared by every package's tests (`@dualxda/core/testing`). */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
}

/**
 * Returns null when every |a - e| <= atol + rtol * |e| (NaN matches NaN), else a message naming the
 * first offending index.
 */
export function compareClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-6, atol = 1e-9 }: CloseOptions = {},
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return `index ${i}: ${a} vs ${e} (rtol ${rtol}, atol ${atol})`;
  }
  return null;
}

/** Throws when `compareClose` reports a difference. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts?: CloseOptions): void {
  const msg = compareClose(actual, expected, opts);
  if (msg !== null) throw new Error(`expectClose: ${msg}`);
}

/**
 * max |a − b| / max |b|: the largest difference relative to the expected array's scale, so
 * near-zero entries do not dominate. Infinity when either side is missing, the lengths differ,
 * or `expected` is empty or all zero.
 */
export function maxScaledError(actual: ArrayLike<number> | null, expected: ArrayLike<number> | null): number {
  if (actual === null || expected === null || actual.length !== expected.length || expected.length === 0) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return scale === 0 ? Number.POSITIVE_INFINITY : diff / scale;
}
