/**
 * Seedable xorshift32 generator for the per-pass shuffle. LIBLINEAR shuffles with an unseeded
 * `rand()` (sklearn: random_state=None), so its alpha is not reproducible; parity is therefore
 * checked on objectives and predictions, never on alpha bit-wise.
 */
export interface Rng {
  state: number;
}

/** A generator seeded with `seed` (any integer; 0 is mapped to a fixed non-zero state). */
export function createRng(seed: number): Rng {
  let s = (seed ^ 0x9e3779b9) >>> 0;
  if (s === 0) s = 0x6d2b79f5;
  return { state: s };
}

/** Uniform integer in [0, bound). */
export function nextInt(rng: Rng, bound: number): number {
  let x = rng.state;
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  rng.state = x;
  return Math.floor((x / 4294967296) * bound);
}

/** Fisher–Yates shuffle of the first `len` entries of `order`, as LIBLINEAR does each pass. */
export function shufflePrefix(rng: Rng, order: Int32Array, len: number): void {
  for (let s = 0; s < len; s++) {
    const j = s + nextInt(rng, len - s);
    const t = order[s] as number;
    order[s] = order[j] as number;
    order[j] = t;
  }
}
