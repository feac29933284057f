/**
 * Streaming accumulation of the d×d moments behind `featureSpectrum`, so a feature store can be fed
 * chunk by chunk (memory: one d×d float64 matrix per class, plus one for unlabelled rows).
 *
 * Sums are taken around a shift r (the first row added): S'_c = Σ_{i∈c} (x_i − r)(x_i − r)ᵀ and
 * s'_c = Σ_{i∈c} (x_i − r). Covariances are shift-invariant, and when the features share a large
 * common component (exactly the collapsed case) this avoids the cancellation of Σ x xᵀ/n − μμᵀ.
 */
import { InvalidOptionError, InvalidShapeError } from '../errors.js';
import { finishSpectrum, type SlotMoments } from './spectrum-finish.js';
import { resolveSpectrumOptions, type SpectrumOptions } from './spectrum-options.js';
import { createSyrkWasm } from './syrk-wasm.js';
import type { FeatureSpectrum } from './types.js';

/** n×d row-major features (a `Tensor`-like struct; extra trailing elements are ignored). */
export interface FeatureMatrix {
  data: Float32Array | Float64Array;
  shape: readonly number[];
}

/** Accumulates rows; `finish` may be called at any time and does not reset the sums. */
export interface SpectrumAccumulator {
  readonly dim: number;
  readonly numClasses: number;
  /** Rows added so far. */
  readonly rows: number;
  /**
   * Adds n rows. `labels[i]` in 0..numClasses-1 is row i's class; a negative label (or no labels)
   * counts the row in the overall spectra only.
   */
  add(rows: FeatureMatrix, labels?: ArrayLike<number>): void;
  /** The spectra of everything added so far. */
  finish(): FeatureSpectrum;
}

/**
 * Rows per syrk block. Each slot stages its own rows until a block is full, so the d²/2 dot products
 * of a block always run over BLOCK_ROWS rows, whatever the class mix of the incoming chunks (with 10
 * classes a shared block gave each class ~26 rows, and the per-dot overhead dominated).
 */
const BLOCK_ROWS = 256;

/**
 * A slot's moments plus its staged rows, shifted: p-major (BLOCK_ROWS × d) for the WebAssembly
 * kernel (syrk-wasm.ts), else transposed (d × BLOCK_ROWS) for the scalar one.
 */
interface StagedSlot extends SlotMoments {
  stage: Float64Array;
  staged: number;
}

/**
 * Creates an accumulator for d-dimensional rows with `numClasses` classes (0: no within-class
 * spectra). Options as for {@link featureSpectrum} (`numClasses` there is this argument).
 *
 * @example
 * const acc = createSpectrumAccumulator(768, 2);
 * for await (const block of store.iterChunks()) {
 *   acc.add({ data: block.features, shape: [block.rows, block.dim] }, block.labels);
 * }
 * const spectrum = acc.finish(); // spectrum.uncentred.participationRatio, ...
 */
export function createSpectrumAccumulator(d: number, numClasses = 0, options: Omit<SpectrumOptions, 'numClasses'> = {}): SpectrumAccumulator {
  if (!Number.isInteger(d) || d < 1) throw new InvalidOptionError('d', `must be a positive integer, got ${d}`);
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new InvalidOptionError('numClasses', `must be a non-negative integer, got ${numClasses}`);
  const resolved = resolveSpectrumOptions({ ...options, numClasses });
  // Slot numClasses holds unlabelled rows; every slot is allocated on its first row.
  const slots: (StagedSlot | undefined)[] = new Array(numClasses + 1).fill(undefined);
  const shift = new Float64Array(d);
  let rows = 0;
  // Both kernels take each entry's sum over the block's rows in the same order: the same bits.
  const wasm = createSyrkWasm(d, BLOCK_ROWS);

  const slot = (k: number): StagedSlot => (slots[k] ??= { rows: 0, sum: new Float64Array(d), moment: new Float64Array(d * d), stage: new Float64Array(d * BLOCK_ROWS), staged: 0 });

  /** S'_slot += Yᵀ Y over its staged rows (upper triangle only; finish mirrors it), then empties the stage. */
  const flush = (s: StagedSlot): void => {
    const m = s.staged;
    if (m === 0) return;
    if (wasm !== null) {
      for (let p = 0; p < m; p++) wasm.stage.set(s.stage.subarray(p * d, (p + 1) * d), p * wasm.dp);
      wasm.addUpper(m, d, s.moment);
    } else syrkUpper(s.stage, m, d, s.moment);
    s.rows += m;
    s.staged = 0;
  };

  const add = (matrix: FeatureMatrix, labels?: ArrayLike<number>): void => {
    const { data, shape } = matrix;
    if (shape.length !== 2 || shape[1] !== d) throw new InvalidShapeError(`[n, ${d}]`, `[${shape.join(', ')}]`, 'spectrum rows');
    const n = shape[0] as number;
    if (data.length < n * d) throw new InvalidShapeError(`${n * d} elements`, `${data.length}`, 'spectrum rows');
    if (labels !== undefined && labels.length < n) throw new InvalidShapeError(`${n} labels`, `${labels.length}`, 'spectrum labels');
    if (n === 0) return;
    for (let p = 0; p < n; p++) {
      const y = labels === undefined ? -1 : (labels[p] as number);
      if (y >= numClasses || !Number.isInteger(y)) throw new InvalidOptionError('labels', `label ${y} of row ${rows + p} is outside 0..${numClasses - 1} (negative = unlabelled)`);
    }
    if (rows === 0) for (let j = 0; j < d; j++) shift[j] = data[j] as number;
    for (let p = 0; p < n; p++) {
      const y = labels === undefined ? -1 : (labels[p] as number);
      const s = slot(y < 0 ? numClasses : y);
      const { stage, sum } = s;
      const col = s.staged;
      const base = p * d;
      // Element (row col, feature j) at col·d + j (p-major) or j·BLOCK_ROWS + col (transposed).
      const at = wasm !== null ? col * d : col;
      const step = wasm !== null ? 1 : BLOCK_ROWS;
      for (let j = 0; j < d; j++) {
        const v = (data[base + j] as number) - (shift[j] as number);
        stage[at + j * step] = v;
        sum[j] = (sum[j] as number) + v;
      }
      s.staged = col + 1;
      if (s.staged === BLOCK_ROWS) flush(s);
    }
    rows += n;
  };

  return {
    dim: d,
    numClasses,
    get rows() {
      return rows;
    },
    add,
    finish: () => {
      for (const s of slots) if (s !== undefined) flush(s);
      return finishSpectrum(d, numClasses, slots, shift, rows, resolved);
    },
  };
}

/**
 * moment[i·d + j] += Σ_p stage[i][p] · stage[j][p] for j ≥ i, over the first m rows of a d × BLOCK_ROWS
 * transposed stage. 2 × 2 output tiles share their loads (four dot products per four loads).
 */
function syrkUpper(stage: Float64Array, m: number, d: number, moment: Float64Array): void {
  const R = BLOCK_ROWS;
  let i = 0;
  for (; i + 1 < d; i += 2) {
    const a0 = i * R, a1 = a0 + R;
    let j = i;
    for (; j + 1 < d; j += 2) {
      const b0 = j * R, b1 = b0 + R;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let p = 0; p < m; p++) {
        const x0 = stage[a0 + p] as number, x1 = stage[a1 + p] as number;
        const z0 = stage[b0 + p] as number, z1 = stage[b1 + p] as number;
        s00 += x0 * z0;
        s01 += x0 * z1;
        s10 += x1 * z0;
        s11 += x1 * z1;
      }
      moment[i * d + j] = (moment[i * d + j] as number) + s00;
      moment[i * d + j + 1] = (moment[i * d + j + 1] as number) + s01;
      // (i + 1, i) is below the diagonal when j = i: finish mirrors the upper triangle.
      if (j > i) moment[(i + 1) * d + j] = (moment[(i + 1) * d + j] as number) + s10;
      moment[(i + 1) * d + j + 1] = (moment[(i + 1) * d + j + 1] as number) + s11;
    }
    if (j < d) {
      moment[i * d + j] = (moment[i * d + j] as number) + dot(stage, a0, j * R, m);
      moment[(i + 1) * d + j] = (moment[(i + 1) * d + j] as number) + dot(stage, a1, j * R, m);
    }
  }
  if (i < d) moment[i * d + i] = (moment[i * d + i] as number) + dot(stage, i * R, i * R, m);
}

function dot(v: Float64Array, a: number, b: number, m: number): number {
  let acc = 0;
  for (let p = 0; p < m; p++) acc += (v[a + p] as number) * (v[b + p] as number);
  return acc;
}
