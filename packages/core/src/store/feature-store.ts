import type { ChunkSource, OpenFeatureStoreOptions } from './reader.js';
import { openChunkSource } from './reader.js';
import type { Scratch } from './checksum.js';
import { InvalidInputError } from './errors.js';
import { halfToFloatTable } from './codec.js';
import type { StoreTarget } from './store-io.js';
import { openStoreIO } from './store-io.js';
import type { FeatureStoreManifest, FeatureStoreReader, RowBlock } from './types.js';

/** The reader `openFeatureStore` returns: the shared interface with the optional parts always present. */
export interface ZarrFeatureStore extends FeatureStoreReader {
  readonly hasTexts: boolean;
  readonly logitsDim: number;
  readTexts(start: number, end: number): Promise<string[]>;
  gatherTexts(indices: ArrayLike<number>): Promise<string[]>;
  readLogits(start: number, end: number): Promise<Float32Array>;
}

const BLOCK_CACHE = 2;
/** Chunks iterChunks reads ahead of the caller. */
const PREFETCH = 2;
/** Chunks a gather reads at once: enough to keep the I/O threads busy. */
const GATHER_CONCURRENCY = 8;

function uniqueSorted(rows: number[]): number[] {
  const sorted = rows.slice().sort((a, b) => a - b);
  return sorted.filter((r, i) => i === 0 || r !== sorted[i - 1]);
}

/** Copies the rows `positions` of `out` from the decoded chunk block `b`. */
function copyFromBlock(out: RowBlock, b: RowBlock, idx: Int32Array, positions: number[]): void {
  const d = out.dim;
  for (const i of positions) {
    const r = idx[i] - b.start;
    out.features.set(b.features.subarray(r * d, (r + 1) * d), i * d);
    out.labels[i] = b.labels[r];
    out.ids[i] = b.ids[r];
    out.norms[i] = b.norms[r];
    if (out.tokenOffsets && b.tokenOffsets) out.tokenOffsets.set(b.tokenOffsets.subarray(2 * r, 2 * r + 2), 2 * i);
  }
}

function idStrings(raw: unknown, from: number, to: number): string[] {
  const out = new Array<string>(to - from);
  const a = raw as ArrayLike<string | bigint>;
  for (let i = from; i < to; i++) out[i - from] = String(a[i]);
  return out;
}

async function decodeBlock(src: ChunkSource, k: number, scratch?: Scratch): Promise<RowBlock> {
  const { spec } = src;
  const start = k * spec.chunkRows;
  const rows = Math.min(spec.chunkRows, spec.rows - start);
  const [features, labels, ids, norms] = await Promise.all([src.features(k, scratch), src.array('labels', k), src.array('ids', k), src.array('norms', k)]);
  const block: RowBlock = {
    start,
    rows,
    dim: spec.dim,
    features: (features as Float32Array).subarray(0, rows * spec.dim),
    labels: (labels as Int32Array).subarray(0, rows),
    ids: idStrings(ids, 0, rows),
    norms: (norms as Float32Array).subarray(0, rows),
  };
  if (spec.tokenOffsets) block.tokenOffsets = ((await src.array('token_offsets', k)) as Int32Array).subarray(0, 2 * rows);
  return block;
}

/** Validates gather indices (integers in range) and returns them as an Int32Array. */
function checkIndices(path: string, rows: number, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) throw new InvalidInputError(path, 'indices', `entry ${i} is ${String(r)}, not a row index in [0, ${rows})`);
    out[i] = r;
  }
  return out;
}

/** Positions of `idx` grouped by chunk, chunks in ascending order (each chunk is read once). */
function groupByChunk(idx: Int32Array, chunkRows: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < idx.length; i++) {
    const k = Math.floor(idx[i] / chunkRows);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Opens a finalized feature store for reading. Every chunk is checked against its sidecar
 * checksum; a missing, truncated or corrupt chunk throws `ChunkError` naming it.
 *
 * @example
 * const store = await openFeatureStore('feats.zarr');
 * for await (const block of store.iterChunks()) consume(block.features, block.labels);
 * const some = await store.gatherRows([3, 17, 4096]);
 */
export async function openFeatureStore(target: StoreTarget, options: OpenFeatureStoreOptions = {}): Promise<ZarrFeatureStore> {
  const src = await openChunkSource(await openStoreIO(target), options);
  const { spec, io } = src;
  const c = spec.chunkRows;
  const chunks = Math.ceil(spec.rows / c);
  const cache = new Map<number, Promise<RowBlock>>();

  function cachedBlock(k: number): Promise<RowBlock> {
    let p = cache.get(k);
    if (p === undefined) {
      p = decodeBlock(src, k);
      p.catch(() => cache.delete(k));
      cache.set(k, p);
      if (cache.size > BLOCK_CACHE) cache.delete(cache.keys().next().value as number);
    }
    return p;
  }

  async function gather(indices: ArrayLike<number>): Promise<RowBlock> {
    const idx = checkIndices(io.path, spec.rows, indices);
    const m = idx.length;
    const d = spec.dim;
    const out: RowBlock = { start: -1, rows: m, dim: d, features: new Float32Array(m * d), labels: new Int32Array(m), ids: new Array<string>(m), norms: new Float32Array(m), indices: idx };
    if (spec.tokenOffsets) out.tokenOffsets = new Int32Array(2 * m);
    const groups = groupByChunk(idx, c);
    if (!src.partial('features')) {
      // zstd chunks decode whole: go through the small block cache, chunk by chunk.
      for (const [k, positions] of groups) copyFromBlock(out, await cachedBlock(k), idx, positions);
      return out;
    }
    // Raw chunks: read only the blocks holding the wanted rows, a few chunks at a time.
    const work = [...groups];
    const next = async (): Promise<void> => {
      for (let item = work.shift(); item !== undefined; item = work.shift()) await gatherChunk(out, idx, item[0], item[1]);
    };
    await Promise.all(Array.from({ length: Math.min(GATHER_CONCURRENCY, work.length) }, next));
    return out;
  }

  /** Copies rows `positions` of `out` from chunk k, reading only those rows (raw chunks). */
  async function gatherChunk(out: RowBlock, idx: Int32Array, k: number, positions: number[]): Promise<void> {
    const d = spec.dim;
    const local = uniqueSorted(positions.map((i) => idx[i] - k * c));
    const at = new Map(local.map((r, j) => [r, j]));
    const intIds = src.manifest.idType === 'int64';
    const [feats, labels, norms, ids, offsets, scales] = await Promise.all([
      src.rowsOf('features', k, local),
      src.rowsOf('labels', k, local),
      src.rowsOf('norms', k, local),
      // String ids are zstd-coded vlen chunks: those decode whole.
      intIds ? src.rowsOf('ids', k, local) : (src.array('ids', k) as Promise<string[]>),
      spec.tokenOffsets ? src.rowsOf('token_offsets', k, local) : undefined,
      spec.dtype === 'int8' ? src.rowsOf('scales', k, local) : undefined,
    ]);
    const table = spec.dtype === 'float16' ? halfToFloatTable() : undefined;
    for (const i of positions) {
      const r = idx[i] - k * c;
      const j = at.get(r) as number;
      const f = feats[j];
      if (spec.dtype === 'float32') out.features.set(f as Float32Array, i * d);
      else for (let t = 0; t < d; t++) out.features[i * d + t] = table ? table[f[t] as number] : (f[t] as number) * (scales?.[j][0] as number);
      out.labels[i] = labels[j][0] as number;
      out.norms[i] = norms[j][0] as number;
      out.ids[i] = intIds ? String((ids as BigInt64Array[])[j][0]) : (ids as string[])[r];
      if (out.tokenOffsets && offsets) out.tokenOffsets.set(offsets[j] as Int32Array, 2 * i);
    }
  }

  async function column<T>(name: string, start: number, end: number, take: (raw: unknown, from: number, to: number) => T[] | ArrayLike<number>): Promise<unknown[]> {
    src.checkRange(start, end, name);
    const parts: unknown[] = [];
    for (let k = Math.floor(start / c); k * c < end; k++) {
      const raw = await src.array(name, k);
      parts.push(take(raw, Math.max(start - k * c, 0), Math.min(end - k * c, c)));
    }
    return parts;
  }

  async function floats(name: string, start: number, end: number, width: number): Promise<Float32Array> {
    const out = new Float32Array((end - start) * width);
    let pos = 0;
    for (const p of await column(name, start, end, (raw, from, to) => (raw as Float32Array).subarray(from * width, to * width))) {
      out.set(p as Float32Array, pos);
      pos += (p as Float32Array).length;
    }
    return out;
  }

  async function strings(name: string, start: number, end: number): Promise<string[]> {
    return (await column(name, start, end, idStrings)).flat() as string[];
  }

  const store: ZarrFeatureStore = {
    path: io.path,
    manifest: src.manifest as FeatureStoreManifest,
    rows: spec.rows,
    dim: spec.dim,
    chunkRows: c,
    chunkCount: chunks,
    hasTexts: spec.texts,
    logitsDim: spec.logitsDim,
    readChunk: (k) => decodeBlock(src, k),
    async readRows(start, end) {
      src.checkRange(start, end, 'rows');
      const idx = new Int32Array(end - start);
      for (let i = 0; i < idx.length; i++) idx[i] = start + i;
      const block = await gather(idx);
      return { ...block, start, indices: undefined };
    },
    gatherRows: gather,
    async *iterChunks(opts = {}) {
      const first = opts.start ?? 0;
      const last = opts.end ?? chunks;
      if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 0 || last > chunks || first > last) {
        throw new InvalidInputError(io.path, 'iterChunks', `chunk range [${first}, ${last}) is outside [0, ${chunks}]`);
      }
      // A read-ahead that fails while the caller still works on the previous block must not become
      // an unhandled rejection (which kills the process): mark it handled now, report it when awaited.
      // zstd chunks: one ahead (a decoded chunk in flight costs its full size, the decode is the bottleneck).
      const depth = spec.codec === 'raw' ? PREFETCH : 1;
      // With reuseBuffers, chunk k is read into the buffer of chunk k - depth - 1, which the caller gave back by asking for chunk k - depth.
      const ring: Scratch[] = [];
      const prefetch = (k: number): Promise<RowBlock> => {
        const p = decodeBlock(src, k, opts.reuseBuffers === true ? (ring[k % (depth + 1)] ??= {}) : undefined);
        p.catch(() => undefined);
        return p;
      };
      // Two chunks ahead: chunk k+2's reads run on the I/O threads while k+1 is verified here and
      // the caller works on k.
      const ahead: Promise<RowBlock>[] = [];
      for (let k = first; k < Math.min(last, first + depth); k++) ahead.push(prefetch(k));
      for (let k = first; k < last; k++) {
        opts.signal?.throwIfAborted();
        const current = ahead.shift() as Promise<RowBlock>;
        if (k + depth < last) ahead.push(prefetch(k + depth));
        yield await current;
      }
    },
    readLabels: async () => {
      const out = new Int32Array(spec.rows);
      let pos = 0;
      for (const p of await column('labels', 0, spec.rows, (raw, from, to) => (raw as Int32Array).subarray(from, to))) {
        out.set(p as Int32Array, pos);
        pos += (p as Int32Array).length;
      }
      return out;
    },
    readNorms: () => floats('norms', 0, spec.rows, 1),
    readIds: (start, end) => strings('ids', start, end),
    readTexts: (start, end) => strings('texts', start, end),
    async gatherTexts(indices) {
      const idx = checkIndices(io.path, spec.rows, indices);
      const out = new Array<string>(idx.length);
      for (const [k, positions] of groupByChunk(idx, c)) {
        const raw = (await src.array('texts', k)) as string[];
        for (const i of positions) out[i] = raw[idx[i] - k * c];
      }
      return out;
    },
    readLogits: (start, end) => floats('logits', start, end, spec.logitsDim),
  };
  return store;
}
