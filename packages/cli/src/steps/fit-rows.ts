import type { RowBlock, ZarrFeatureStore } from '@dualxda/core';
import { allocateSolverRows } from '@dualxda/solver';
import type { RunContext } from '../context.js';
import { InterruptedError } from '../errors.js';
import { collectGarbage } from './collect-garbage.js';

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
 * bytes), and every later step of `fit` reads these rows instead of decoding the store again. It
 * is the buffer of a shared WebAssembly memory (`allocateSolverRows`), so the serial solver's
 * kernel reads each row in place instead of copying it on every update.
 *
 * The all-zero columns are guessed from the first chunk and the rows are written compacted as they
 * arrive, so the full-width rows are never held (on the 60,000 x 128 bench, 48 dead columns: 19
 * MiB touched instead of 31, and no compaction pass). A later chunk with a value in a column left
 * out re-lays the rows read so far with that column added (once on the bench: one unit first fires
 * at row 29,470); a non-finite value puts them back at full width and the columns are then found
 * over all rows. Either way `cols` is exactly the set of columns non-zero in some row.
 */
export async function readFitRows(store: ZarrFeatureStore, ctx: RunContext): Promise<FitRows> {
  const { rows, dim } = store;
  const out: FitRows = { rows, dim, features: new Float32Array(0), cols: undefined, labels: new Int32Array(rows), ids: new Array<string>(rows), norms: new Float32Array(rows) };
  const bar = ctx.progress({ label: 'fit: reading features', total: rows, unit: 'rows' });
  let layout: Layout | undefined;
  // reuseBuffers: each block is copied out before the next is asked for, and decoding into the
  // same few buffers spares touching 4·n·d bytes of fresh memory (≈ 0.1 s CPU, ≈ 10 MiB on 60k x 128).
  for await (const block of store.iterChunks({ signal: ctx.signal, reuseBuffers: true })) {
    if (ctx.signal.aborted) throw new InterruptedError('nothing was written; rerun the command');
    const f = block.features.subarray(0, block.rows * dim);
    layout ??= guessLayout(f, block.rows, rows, dim);
    let copied = layout.cols !== undefined && copyCompacted(f, block.rows, block.start, dim, layout);
    if (!copied && layout.cols !== undefined) {
      layout = extendLayout(layout, f, block.rows, block.start, rows, dim);
      copied = layout.cols !== undefined && copyCompacted(f, block.rows, block.start, dim, layout);
    }
    if (!copied) layout.features.set(f, block.start * dim);
    out.labels.set(block.labels.subarray(0, block.rows), block.start);
    out.norms.set(block.norms.subarray(0, block.rows), block.start);
    for (let i = 0; i < block.rows; i++) out.ids[block.start + i] = block.ids[i] as string;
    bar.update(block.start + block.rows);
  }
  bar.done(`${rows} rows x ${dim}`);
  out.features = layout?.features ?? allocateSolverRows(0);
  out.cols = layout?.cols;
  // Full width without knowing the live columns (a non-finite value, a first chunk with no live
  // column): find them over all rows. A re-laid buffer left garbage behind: collect it now.
  if (layout?.cols === undefined && layout?.rescan === true) {
    if (dropZeroColumns(out)) collectGarbage();
  } else if (layout?.relaid === true) collectGarbage();
  return out;
}

/** Where the rows go while reading: compacted to `cols`, or full width (`cols` undefined). */
interface Layout {
  features: Float32Array;
  cols: Int32Array | undefined;
  /** Slot of each store column in `cols`, −1 for a column dropped. */
  slot: Int32Array;
  /** Full width without knowing that every column is live: dropZeroColumns must look at all rows. */
  rescan: boolean;
  /** The rows were moved to a new buffer at least once (the old one is garbage). */
  relaid: boolean;
}

/** The columns non-zero in the first chunk, and the buffer for all rows in that layout. */
function guessLayout(f: Float32Array, n: number, rows: number, dim: number): Layout {
  const live = new Uint8Array(dim);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = f[i * dim + j] as number;
      if (v !== 0) live[j] = 1;
      bad += v * 0; // NaN once a value is not finite
    }
  }
  const cols = Int32Array.from({ length: dim }, (_, j) => j).filter((j) => live[j] === 1);
  const slot = new Int32Array(dim).fill(-1);
  cols.forEach((j, c) => (slot[j] = c));
  // A non-finite value is refused by the solver, naming its row and column: keep the store's columns.
  const compact = bad === 0 && cols.length > 0 && cols.length < dim;
  return { features: allocateSolverRows(rows * (compact ? cols.length : dim)), cols: compact ? cols : undefined, slot, rescan: cols.length < dim, relaid: false };
}

/**
 * Copies `n` rows starting at store row `start` into the compacted layout; false (nothing to rely
 * on written) when a dropped column has a value or a value is not finite.
 */
function copyCompacted(f: Float32Array, n: number, start: number, dim: number, l: Layout): boolean {
  const dx = (l.cols as Int32Array).length;
  const { features: o, slot } = l;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const ob = (start + i) * dx;
    for (let j = 0; j < dim; j++) {
      const v = f[i * dim + j] as number;
      const c = slot[j] as number;
      if (c >= 0) o[ob + c] = v;
      else if (v !== 0) return false;
      bad += v * 0;
    }
  }
  return bad === 0;
}

/**
 * A layout for `l`'s columns plus those non-zero in the block `f` (`n` rows), in a new buffer for
 * all rows holding `l`'s rows [0, start): compacted to the union, or full width when `f` has a
 * non-finite value, when every column is then live, or on a second miss (columns that keep
 * appearing, as in sparse features, would otherwise copy the rows read so far again each time;
 * `rescan` then finds the columns over all rows at the end).
 */
function extendLayout(l: Layout, f: Float32Array, n: number, start: number, rows: number, dim: number): Layout {
  const live = new Uint8Array(dim);
  for (const j of l.cols as Int32Array) live[j] = 1;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = f[i * dim + j] as number;
      if (v !== 0) live[j] = 1;
      bad += v * 0;
    }
  }
  const cols = Int32Array.from({ length: dim }, (_, j) => j).filter((j) => live[j] === 1);
  const compact = bad === 0 && cols.length < dim && !l.relaid;
  const width = compact ? cols.length : dim;
  const slot = new Int32Array(dim).fill(-1);
  if (compact) cols.forEach((j, c) => (slot[j] = c));
  else for (let j = 0; j < dim; j++) slot[j] = j;
  const features = allocateSolverRows(rows * width);
  const old = l.cols as Int32Array;
  const dx = old.length;
  for (let i = 0; i < start; i++) for (let c = 0; c < dx; c++) features[i * width + (slot[old[c] as number] as number)] = l.features[i * dx + c] as number;
  return { features, cols: compact ? cols : undefined, slot, rescan: !compact && cols.length < dim, relaid: true };
}

/** Marks `m`'s features as no longer needed (so the memory can go); reading them afterwards throws. */
const RELEASED = new Float32Array(0);

/**
 * Lets go of `m.features` once the last step that reads rows is done, and collects them, so they
 * do not count in the peak memory of the steps after (`fit`'s model save and collapse report).
 */
export function releaseFeatures(m: FitRows): void {
  m.features = RELEASED;
  collectGarbage();
}

function liveFeatures(m: FitFeatures): Float32Array {
  if (m.features === RELEASED && m.rows > 0) throw new Error('fit: the rows held in memory were already released');
  return m.features;
}

/** Replaces `m.features` by its non-zero columns; true when it did. */
function dropZeroColumns(m: FitRows): boolean {
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
  if (!finite) return false;
  const cols = Int32Array.from({ length: dim }, (_, j) => j).filter((j) => live[j] === 1);
  if (cols.length === dim || cols.length === 0) return false;
  // Into a buffer of the compacted size: compacting in place would keep the full-width buffer's
  // pages resident for the whole fit (12 MiB of 31 on the Fashion-MNIST bench, 48 of 128 columns
  // dead); the full-width one is collected once this returns.
  const dx = cols.length;
  const out = allocateSolverRows(rows * dx);
  for (let i = 0; i < rows; i++) for (let c = 0; c < dx; c++) out[i * dx + c] = f[i * dim + (cols[c] as number)] as number;
  m.features = out;
  m.cols = cols;
  return true;
}

/** The feature part of `FitRows`: what a worker needs to see the rows at full width. */
export type FitFeatures = Pick<FitRows, 'rows' | 'dim' | 'features' | 'cols'>;

/** Row i of `m` at full width into out[o, o + dim). */
function expandRow(m: FitFeatures, i: number, out: Float32Array, o: number): void {
  const f = liveFeatures(m);
  if (!m.cols) {
    out.set(f.subarray(i * m.dim, (i + 1) * m.dim), o);
    return;
  }
  const dx = m.cols.length;
  for (let c = 0; c < dx; c++) out[o + (m.cols[c] as number)] = f[i * dx + c] as number;
}

/** Weights (k x cols) of a solve on the compacted columns, back at full width (k x dim). */
export function expandWeights(m: FitRows, weights: Float64Array, k: number): Float64Array {
  if (!m.cols) return weights;
  const dx = m.cols.length;
  const out = new Float64Array(k * m.dim);
  for (let r = 0; r < k; r++) for (let c = 0; c < dx; c++) out[r * m.dim + (m.cols[c] as number)] = weights[r * dx + c] as number;
  return out;
}

/** Rows [start, end) of `m` at full width, into `reuse` when it is large enough. */
export function expandRows(m: FitFeatures, start: number, end: number, reuse?: Float32Array): Float32Array {
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
    features: m.cols ? expandRows(m, start, end, reuse) : liveFeatures(m).subarray(start * m.dim, end * m.dim),
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
