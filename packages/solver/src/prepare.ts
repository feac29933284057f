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
 * Columns that hold a non-zero value in some row, or undefined when all do. An all-zero column
 * (a dead ReLU unit of a network's features, say) adds exactly 0 to every dot product and its
 * weights stay 0, so the solver can drop it without changing a single iterate.
 */
export function keptColumns(src: Float32Array | Float64Array, n: number, d: number): Int32Array | undefined {
  const live = new Uint8Array(d);
  let count = 0;
  for (let i = 0; i < n && count < d; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      if (live[j] === 0 && src[o + j] !== 0) {
        live[j] = 1;
        count++;
      }
    }
  }
  if (count === d) return undefined;
  const cols = new Int32Array(count);
  for (let j = 0, c = 0; j < d; j++) if (live[j] === 1) cols[c++] = j;
  return cols;
}

/** Copies columns `cols` of rows [0, rows) of `src` (d columns) into `out` (cols.length columns). */
export function compactColumns(src: Float32Array | Float64Array, rows: number, d: number, cols: Int32Array, out: Float32Array | Float64Array): void {
  const dx = cols.length;
  for (let i = 0; i < rows; i++) {
    const s = i * d, o = i * dx;
    for (let c = 0; c < dx; c++) out[o + c] = src[s + (cols[c] as number)] as number;
  }
}

/**
 * Copies rows [0, rows) of `src` (row-major, d columns) into `out` (Float64, same stride) when
 * given, and writes Q_ii = ‖x̃_i‖² = biasScale² + ‖x_i‖² into `q[qOffset + i]`. Caller owns both.
 */
export function rowNorms(
  src: Float32Array | Float64Array,
  rows: number,
  d: number,
  biasScale: number,
  out: Float64Array | undefined,
  q: Float64Array,
  qOffset: number,
): void {
  for (let i = 0; i < rows; i++) {
    const s = i * d;
    let sq = biasScale * biasScale;
    for (let j = 0; j < d; j++) {
      const v = src[s + j] as number;
      if (out) out[s + j] = v;
      sq += v * v;
    }
    q[qOffset + i] = sq;
  }
}
