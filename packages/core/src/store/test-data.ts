import type { RowBatch } from './types.js';

/**
 * Deterministic synthetic rows for tests and benches: row r's values depend only on r, so any
 * shard can generate its own range and every build of the same rows is byte-identical.
 */
export function syntheticRow(r: number, dim: number, out: Float32Array, offset: number): void {
  let s = (r * 2654435761 + 1013904223) >>> 0;
  for (let j = 0; j < dim; j++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[offset + j] = (s / 2 ** 32) * 2 - 1;
  }
}

/** Options for `syntheticBatches`. */
export interface SyntheticOptions {
  dim: number;
  classes?: number;
  batchRows?: number;
  texts?: boolean;
  logitsDim?: number;
  tokenOffsets?: boolean;
  /** Id of row r; default `row-${r}`. */
  id?: (r: number) => string | number | bigint;
}

/** Batches covering rows [start, end). */
export function* syntheticBatches(start: number, end: number, o: SyntheticOptions): Generator<RowBatch> {
  const batchRows = o.batchRows ?? 100;
  const classes = o.classes ?? 3;
  for (let b = start; b < end; b += batchRows) {
    const n = Math.min(batchRows, end - b);
    const features = new Float32Array(n * o.dim);
    const labels = new Int32Array(n);
    const ids: (string | number | bigint)[] = [];
    for (let i = 0; i < n; i++) {
      syntheticRow(b + i, o.dim, features, i * o.dim);
      labels[i] = (b + i) % classes;
      ids.push(o.id ? o.id(b + i) : `row-${b + i}`);
    }
    const batch: RowBatch = { features, labels, ids };
    if (o.texts) batch.texts = Array.from({ length: n }, (_, i) => `text ${b + i} ✓`);
    if (o.logitsDim) {
      const kd = o.logitsDim;
      batch.logits = Float32Array.from({ length: n * kd }, (_, i) => b + Math.floor(i / kd) + (i % kd) / 1000);
    }
    if (o.tokenOffsets) batch.tokenOffsets = Int32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? Math.floor((b + i / 2) / 10) : (b + (i - 1) / 2) % 10));
    yield batch;
  }
}
