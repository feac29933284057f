import type { ChunkSource, OpenFeatureStoreOptions } from './reader.js';
import { openChunkSource } from './reader.js';
import { InvalidInputError } from './errors.js';
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

function idStrings(raw: unknown, from: number, to: number): string[] {
  const out = new Array<string>(to - from);
  const a = raw as ArrayLike<string | bigint>;
  for (let i = from; i < to; i++) out[i - from] = String(a[i]);
  return out;
}

async function decodeBlock(src: ChunkSource, k: number): Promise<RowBlock> {
  const { spec } = src;
  const start = k * spec.chunkRows;
  const rows = Math.min(spec.chunkRows, spec.rows - start);
  const [features, labels, ids, norms] = await Promise.all([src.features(k), src.array('labels', k), src.array('ids', k), src.array('norms', k)]);
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
    for (const [k, positions] of groupByChunk(idx, c)) {
      const b = await cachedBlock(k);
      for (const i of positions) {
        const r = idx[i] - b.start;
        out.features.set(b.features.subarray(r * d, (r + 1) * d), i * d);
        out.labels[i] = b.labels[r];
        out.ids[i] = b.ids[r];
        out.norms[i] = b.norms[r];
        if (out.tokenOffsets && b.tokenOffsets) out.tokenOffsets.set(b.tokenOffsets.subarray(2 * r, 2 * r + 2), 2 * i);
      }
    }
    return out;
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
      const prefetch = (k: number): Promise<RowBlock> => {
        const p = decodeBlock(src, k);
        p.catch(() => undefined);
        return p;
      };
      let next: Promise<RowBlock> | undefined = first < last ? prefetch(first) : undefined;
      for (let k = first; k < last; k++) {
        opts.signal?.throwIfAborted();
        const current = next as Promise<RowBlock>;
        // Start decoding k+1 before handing k to the caller, so I/O and zstd overlap their work.
        next = k + 1 < last ? prefetch(k + 1) : undefined;
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
