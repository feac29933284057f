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

/** Rows per syrk block: large enough that each class gets several rows per pass over its matrix. */
const BLOCK_ROWS = 256;

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
  const slots: (SlotMoments | undefined)[] = new Array(numClasses + 1).fill(undefined);
  const shift = new Float64Array(d);
  let rows = 0;
  const xt = new Float64Array(d * BLOCK_ROWS); // shifted rows of one slot, transposed (d × block)
  const order = new Int32Array(BLOCK_ROWS);
  const slotOf = new Int32Array(BLOCK_ROWS);

  const slot = (k: number): SlotMoments => (slots[k] ??= { rows: 0, sum: new Float64Array(d), moment: new Float64Array(d * d) });

  /** S'_slot += Yᵀ Y for the `m` shifted rows in xt (upper triangle only; finish mirrors it). */
  const syrk = (s: SlotMoments, m: number): void => {
    const { moment } = s;
    for (let i = 0; i < d; i++) {
      const oi = i * BLOCK_ROWS;
      for (let j = i; j < d; j++) {
        const oj = j * BLOCK_ROWS;
        let acc = 0;
        for (let p = 0; p < m; p++) acc += (xt[oi + p] as number) * (xt[oj + p] as number);
        moment[i * d + j] = (moment[i * d + j] as number) + acc;
      }
    }
  };

  const add = (matrix: FeatureMatrix, labels?: ArrayLike<number>): void => {
    const { data, shape } = matrix;
    if (shape.length !== 2 || shape[1] !== d) throw new InvalidShapeError(`[n, ${d}]`, `[${shape.join(', ')}]`, 'spectrum rows');
    const n = shape[0] as number;
    if (data.length < n * d) throw new InvalidShapeError(`${n * d} elements`, `${data.length}`, 'spectrum rows');
    if (labels !== undefined && labels.length < n) throw new InvalidShapeError(`${n} labels`, `${labels.length}`, 'spectrum labels');
    if (n === 0) return;
    if (rows === 0) for (let j = 0; j < d; j++) shift[j] = data[j] as number;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const m = Math.min(BLOCK_ROWS, n - start);
      for (let p = 0; p < m; p++) {
        const y = labels === undefined ? -1 : (labels[start + p] as number);
        if (y >= numClasses || !Number.isInteger(y)) throw new InvalidOptionError('labels', `label ${y} of row ${rows + start + p} is outside 0..${numClasses - 1} (negative = unlabelled)`);
        slotOf[p] = y < 0 ? numClasses : y;
      }
      // Visit each slot present in the block once (block-local counting sort by slot).
      for (let p = 0; p < m; p++) order[p] = p;
      order.subarray(0, m).sort((a, b) => (slotOf[a] as number) - (slotOf[b] as number) || a - b);
      for (let q = 0; q < m; ) {
        const k = slotOf[order[q] as number] as number;
        let cnt = 0;
        const s = slot(k);
        for (; q < m && slotOf[order[q] as number] === k; q++, cnt++) {
          const base = (start + (order[q] as number)) * d;
          for (let j = 0; j < d; j++) {
            const y = (data[base + j] as number) - (shift[j] as number);
            xt[j * BLOCK_ROWS + cnt] = y;
            s.sum[j] = (s.sum[j] as number) + y;
          }
        }
        s.rows += cnt;
        syrk(s, cnt);
      }
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
    finish: () => finishSpectrum(d, numClasses, slots, shift, rows, resolved),
  };
}
