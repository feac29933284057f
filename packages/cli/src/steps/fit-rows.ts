import type { RowBlock, ZarrFeatureStore } from '@dualxda/core';
import type { RunContext } from '../context.js';
import { InterruptedError } from '../errors.js';

/**
 * A store's rows held in memory for `fit`. `features` (on a SharedArrayBuffer) holds only the
 * columns that are non-zero in some row, `cols` of them (undefined = all `dim`): an all-zero column
 * (a dead ReLU unit) changes no dot product, so the solver never needs it, and dropping it here
 * saves the solver its own compacted copy.
 */
export interface FitRows {
  rows: number;
  dim: number;
  /** rows x (cols?.length ?? dim), row-major. */
  features: Float32Array;
  cols: Int32Array | undefined;
  labels: Int32Array;
  ids: string[];
  norms: Float32Array;
}

/**
 * Reads the whole store once, with a progress bar. The features go into a SharedArrayBuffer: the
 * solver worker then reads the same memory (structured clone shares it instead of copying 4·n·d
 * bytes), and every later step of `fit` reads these rows instead of decoding the store again.
 */
export async function readFitRows(store: ZarrFeatureStore, ctx: RunContext): Promise<FitRows> {
  const { rows, dim } = store;
  const out: FitRows = { rows, dim, features: new Float32Array(new SharedArrayBuffer(rows * dim * 4)), cols: undefined, labels: new Int32Array(rows), ids: new Array<string>(rows), norms: new Float32Array(rows) };
  const bar = ctx.progress({ label: 'fit: reading features', total: rows, unit: 'rows' });
  for await (const block of store.iterChunks({ signal: ctx.signal })) {
    if (ctx.signal.aborted) throw new InterruptedError('nothing was written; rerun the command');
    out.features.set(block.features.subarray(0, block.rows * dim), block.start * dim);
    out.labels.set(block.labels.subarray(0, block.rows), block.start);
    out.norms.set(block.norms.subarray(0, block.rows), block.start);
    for (let i = 0; i < block.rows; i++) out.ids[block.start + i] = block.ids[i] as string;
    bar.update(block.start + block.rows);
  }
  bar.done(`${rows} rows x ${dim}`);
  dropZeroColumns(out);
  return out;
}

/** Compacts `m.features` in place to its non-zero columns (row i moves to i·dx, never past i·dim). */
function dropZeroColumns(m: FitRows): void {
  const { rows, dim, features: f } = m;
  const live = new Uint8Array(dim);
  let finite = true;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) {
      const v = f[i * dim + j] as number;
      if (v !== 0) {
        live[j] = 1;
        if (!Number.isFinite(v)) finite = false;
      }
    }
  }
  // A non-finite value is refused by the solver, naming its row and column: keep the store's columns.
  if (!finite) return;
  const cols = Int32Array.from({ length: dim }, (_, j) => j).filter((j) => live[j] === 1);
  if (cols.length === dim || cols.length === 0) return;
  const dx = cols.length;
  for (let i = 0; i < rows; i++) for (let c = 0; c < dx; c++) f[i * dx + c] = f[i * dim + (cols[c] as number)] as number;
  m.features = f.subarray(0, rows * dx);
  m.cols = cols;
}

/** Row i of `m` at full width into out[o, o + dim). */
function expandRow(m: FitRows, i: number, out: Float32Array, o: number): void {
  if (!m.cols) {
    out.set(m.features.subarray(i * m.dim, (i + 1) * m.dim), o);
    return;
  }
  const dx = m.cols.length;
  for (let c = 0; c < dx; c++) out[o + (m.cols[c] as number)] = m.features[i * dx + c] as number;
}

/** Weights (k x cols) of a solve on the compacted columns, back at full width (k x dim). */
export function expandWeights(m: FitRows, weights: Float64Array, k: number): Float64Array {
  if (!m.cols) return weights;
  const dx = m.cols.length;
  const out = new Float64Array(k * m.dim);
  for (let r = 0; r < k; r++) for (let c = 0; c < dx; c++) out[r * m.dim + (m.cols[c] as number)] = weights[r * dx + c] as number;
  return out;
}

function expandRows(m: FitRows, start: number, end: number, reuse?: Float32Array): Float32Array {
  const len = (end - start) * m.dim;
  const out = reuse && reuse.length >= len ? reuse.subarray(0, len) : new Float32Array(len);
  out.fill(0);
  for (let i = start; i < end; i++) expandRow(m, i, out, (i - start) * m.dim);
  return out;
}

function gather(m: FitRows, indices: ArrayLike<number>): RowBlock {
  const k = indices.length;
  const idx = Int32Array.from(indices);
  const features = new Float32Array(k * m.dim);
  const labels = new Int32Array(k);
  const norms = new Float32Array(k);
  const ids = new Array<string>(k);
  for (let t = 0; t < k; t++) {
    const i = idx[t] as number;
    if (!(i >= 0 && i < m.rows)) throw new RangeError(`row ${i} is outside 0..${m.rows - 1}`);
    expandRow(m, i, features, t * m.dim);
    labels[t] = m.labels[i] as number;
    norms[t] = m.norms[i] as number;
    ids[t] = m.ids[i] as string;
  }
  return { start: -1, rows: k, dim: m.dim, features, labels, ids, norms, indices: idx };
}

/**
 * `store` with its row reads (iterChunks, gatherRows, readRows, readLabels, readNorms) served from
 * `m`, so the steps after the solve (support-vector rows, training accuracy, the collapse report)
 * do not decode the store again. `rows` and `chunkCount` are `m`'s (fewer after `fit --classes`).
 * Everything else (manifest, logits, texts) still comes from the store, by store row.
 */
export function withRowsInMemory(store: ZarrFeatureStore, m: FitRows): ZarrFeatureStore {
  const block = (start: number, end: number, reuse?: Float32Array): RowBlock => ({
    start,
    rows: end - start,
    dim: m.dim,
    features: m.cols ? expandRows(m, start, end, reuse) : m.features.subarray(start * m.dim, end * m.dim),
    labels: m.labels.subarray(start, end),
    ids: m.ids.slice(start, end),
    norms: m.norms.subarray(start, end),
  });
  // `m` may hold fewer rows than the store (`fit --classes` drops rows labelled outside the set).
  const chunkCount = Math.ceil(m.rows / store.chunkRows);
  return {
    ...store,
    rows: m.rows,
    chunkCount,
    readChunk: async (k) => block(k * store.chunkRows, Math.min(m.rows, (k + 1) * store.chunkRows)),
    readRows: async (start, end) => block(start, end),
    gatherRows: async (indices) => gather(m, indices),
    readLabels: async () => m.labels.slice(),
    readNorms: async () => m.norms.slice(),
    // The full-width rows of one chunk go into one buffer reused from chunk to chunk: the
    // consumers in fit (training accuracy, the collapse spectrum) are done with a block before
    // they ask for the next.
    async *iterChunks(opts = {}) {
      const last = Math.min(opts.end ?? chunkCount, chunkCount);
      const reuse = m.cols ? new Float32Array(store.chunkRows * m.dim) : undefined;
      for (let k = opts.start ?? 0; k < last; k++) {
        opts.signal?.throwIfAborted();
        yield block(k * store.chunkRows, Math.min(m.rows, (k + 1) * store.chunkRows), reuse);
      }
    },
  };
}
