import { InvalidShapeError } from '@dualxda/core';
import { SolverInputError } from './errors.js';
import type { FeatureMatrix } from './types.js';

/** Labels encoded to 0..K-1 (LIBLINEAR/sklearn order: class k = k-th smallest label). */
export interface EncodedLabels {
  y: Int32Array;
  classes: number;
  /** Only when remapping was needed: mapping[k] = original label. */
  mapping: Int32Array | undefined;
}

/** Checks the shape and that every entry is finite, naming the first bad row and column. */
export function validateFeatures(features: FeatureMatrix): { n: number; d: number } {
  const shape = features?.shape;
  if (!shape || shape.length !== 2) throw new InvalidShapeError('[n, d]', JSON.stringify(shape), 'features');
  const [n, d] = shape as [number, number];
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) {
    throw new SolverInputError('features', `need at least one row and one column, got shape [${n}, ${d}]`);
  }
  const data = features.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new SolverInputError('features', 'data must be a Float32Array or Float64Array');
  }
  if (data.length !== n * d) throw new InvalidShapeError(`${n * d} values`, `${data.length}`, 'features.data');
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t] as number)) {
      throw new SolverInputError('features', `non-finite value ${data[t]} at row ${Math.floor(t / d)}, column ${t % d}`);
    }
  }
  return { n, d };
}

/** Encodes integer labels to 0..K-1; K < 2 or non-integer labels throw. */
export function encodeLabels(labels: ArrayLike<number>, n: number, field = 'labels'): EncodedLabels {
  if (!labels || labels.length !== n) throw new SolverInputError(field, `expected ${n} labels, got ${labels?.length}`);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = labels[i] as number;
    if (!Number.isInteger(v)) throw new SolverInputError(field, `label at row ${i} is not an integer: ${v}`);
    seen.add(v);
  }
  if (seen.size < 2) throw new SolverInputError(field, `need at least 2 classes, got ${seen.size}`);
  const sorted = Int32Array.from(seen).sort();
  const identity = sorted[0] === 0 && sorted[sorted.length - 1] === sorted.length - 1;
  const y = new Int32Array(n);
  if (identity) {
    for (let i = 0; i < n; i++) y[i] = labels[i] as number;
    return { y, classes: sorted.length, mapping: undefined };
  }
  const code = new Map<number, number>();
  sorted.forEach((v, k) => code.set(v, k));
  for (let i = 0; i < n; i++) y[i] = code.get(labels[i] as number) as number;
  return { y, classes: sorted.length, mapping: sorted };
}

/**
 * Copies rows [0, rows) of `src` (row-major, d columns) into `out` as Float64 x̃ = [x; biasScale]
 * with row stride d+1, and writes Q_ii = ‖x̃_i‖² into `q`. Caller owns both buffers.
 */
export function augmentRows(
  src: Float32Array | Float64Array,
  rows: number,
  d: number,
  biasScale: number,
  out: Float64Array,
  outOffset: number,
  q: Float64Array,
  qOffset: number,
): void {
  const D = d + 1;
  for (let i = 0; i < rows; i++) {
    const s = i * d;
    const o = outOffset + i * D;
    let sq = biasScale * biasScale;
    for (let j = 0; j < d; j++) {
      const v = src[s + j] as number;
      out[o + j] = v;
      sq += v * v;
    }
    out[o + d] = biasScale;
    q[qOffset + i] = sq;
  }
}
