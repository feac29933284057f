/** A tiny in-memory stand-in for the core FeatureStore reader, for block-mode tests. */
import type { RowBlock } from '@dualxda/core';
import type { BlockSource } from '../src/index.js';

/** Serves rows of `x` (n x d) in chunks of `chunkRows`, as float32 like the real store; counts reads. */
export function createMemorySource(x: ArrayLike<number>, labels: Int32Array, n: number, d: number, chunkRows: number): BlockSource & { reads: number } {
  const f32 = Float32Array.from(x);
  const chunkCount = Math.ceil(n / chunkRows);
  const src = {
    rows: n,
    dim: d,
    chunkCount,
    reads: 0,
    async readChunk(k: number): Promise<RowBlock> {
      src.reads++;
      const start = k * chunkRows;
      const rows = Math.min(chunkRows, n - start);
      return {
        start,
        rows,
        dim: d,
        features: f32.slice(start * d, (start + rows) * d),
        labels: labels.slice(start, start + rows),
        ids: Array.from({ length: rows }, (_, r) => String(start + r)),
        norms: new Float32Array(rows),
      };
    },
    async readLabels(): Promise<Int32Array> {
      return labels.slice();
    },
  };
  return src;
}
