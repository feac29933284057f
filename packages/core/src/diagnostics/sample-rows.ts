/** Deterministic row sampling for the diversity figures (same rows on every run and platform). */
import { InvalidOptionError } from '../errors.js';
import { mulberry32 } from '../random.js';

/** Seed of {@link sampleRowIndices} unless one is given. */
export const DEFAULT_SAMPLE_SEED = 20240613;

/**
 * `count` distinct row indices out of 0..n-1, sorted ascending, drawn uniformly with Floyd's
 * algorithm from a mulberry32 stream seeded with `seed`; all rows when count ≥ n.
 *
 * @example
 * sampleRowIndices(874, 200); // 200 sorted indices, identical on every call
 */
export function sampleRowIndices(n: number, count: number, seed: number = DEFAULT_SAMPLE_SEED): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new InvalidOptionError('n', `must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(count) || count < 0) throw new InvalidOptionError('count', `must be a non-negative integer, got ${count}`);
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen).sort();
}
