/**
 * Mulberry32: a tiny, seeded PRNG in [0, 1) for synthetic test and benchmark data (not for
 * anything statistical). One copy, shared by the synthetic models, the serve fixtures and benches.
 *
 * @example
 * const rand = mulberry32(42);
 * rand(); // same sequence for the same seed, on every platform
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}
