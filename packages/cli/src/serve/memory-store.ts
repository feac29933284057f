/**
 * An in-memory `FeatureStoreReader` with texts (and logits for test sets). The server's tests, the
 * end-to-end test and the 1M-row bench use it; real runs open Zarr stores (./open-data.ts).
 */
import type { FeatureStoreManifest, FeatureStoreReader, RowBlock } from '@dualxda/core';
import type { TestSource, TrainSource } from './types.js';

/** Columns of an in-memory store. `texts` may be a function so 1M-row benches need no string array. */
export interface MemoryColumns {
  features: Float32Array;
  dim: number;
  labels: Int32Array;
  classNames: string[];
  texts: readonly string[] | ((row: number) => string);
  /** Model logits (rows x K) for a test set. */
  logits?: Float32Array;
  chunkRows?: number;
}

function rowNorms(features: Float32Array, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += features[r * dim + i] ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Builds a `FeatureStoreReader` over arrays (ids are the row numbers as strings). */
export function createMemoryFeatureStore(cols: MemoryColumns, path = 'memory:'): FeatureStoreReader {
  const { features, dim, labels } = cols;
  const rows = labels.length;
  const chunkRows = cols.chunkRows ?? 4096;
  let norms: Float32Array | undefined;
  const allNorms = (): Float32Array => (norms ??= rowNorms(features, rows, dim));
  const manifest: FeatureStoreManifest = {
    schemaVersion: 1,
    rows,
    dim,
    dtype: 'float32',
    chunkRows,
    head: 'sequence',
    modelHash: '',
    datasetRevision: '',
    layer: 'memory',
    classNames: cols.classNames,
    tool: 'dualxda-memory',
    createdAt: new Date(0).toISOString(),
  };
  const gather = (indices: ArrayLike<number>, start: number): RowBlock => {
    const n = indices.length;
    const out = new Float32Array(n * dim);
    const lab = new Int32Array(n);
    const nrm = new Float32Array(n);
    const idx = new Int32Array(n);
    const all = allNorms();
    for (let k = 0; k < n; k++) {
      const r = indices[k];
      if (!(Number.isInteger(r) && r >= 0 && r < rows)) throw new RangeError(`${path}: row ${r} out of range [0, ${rows})`);
      out.set(features.subarray(r * dim, (r + 1) * dim), k * dim);
      lab[k] = labels[r];
      nrm[k] = all[r];
      idx[k] = r;
    }
    const ids = Array.from(idx, String);
    return start >= 0 ? { start, rows: n, dim, features: out, labels: lab, ids, norms: nrm } : { start, rows: n, dim, features: out, labels: lab, ids, norms: nrm, indices: idx };
  };
  const range = (s: number, e: number): number[] => Array.from({ length: Math.max(0, e - s) }, (_, i) => s + i);
  const reader: FeatureStoreReader = {
    path,
    manifest,
    rows,
    dim,
    chunkRows,
    chunkCount: Math.ceil(rows / chunkRows),
    readRows: async (s, e) => gather(range(s, e), s),
    readChunk: async (k) => gather(range(k * chunkRows, Math.min(rows, (k + 1) * chunkRows)), k * chunkRows),
    // Like the Zarr reader: `start`/`end` are chunk indices.
    async *iterChunks(options) {
      const first = options?.start ?? 0;
      const last = Math.min(options?.end ?? Math.ceil(rows / chunkRows), Math.ceil(rows / chunkRows));
      for (let k = first; k < last; k++) {
        if (options?.signal?.aborted) return;
        yield gather(range(k * chunkRows, Math.min(rows, (k + 1) * chunkRows)), k * chunkRows);
      }
    },
    gatherRows: async (indices) => gather(indices, -1),
    readLabels: async () => labels.slice(),
    readNorms: async () => allNorms().slice(),
    readIds: async (s, e) => range(s, e).map(String),
  };
  return reader;
}

function textReader(texts: MemoryColumns['texts']): (rows: readonly number[]) => Promise<string[]> {
  return async (rows) => rows.map((r) => (typeof texts === 'function' ? texts(r) : (texts[r] ?? '')));
}

/** A training source over arrays. */
export function createMemoryTrainSource(cols: MemoryColumns, path?: string): TrainSource {
  return { store: createMemoryFeatureStore(cols, path), readTexts: textReader(cols.texts) };
}

/** A test source over arrays; `cols.logits` is required. */
export function createMemoryTestSource(cols: MemoryColumns & { logits: Float32Array }, path?: string): TestSource {
  const logits = cols.logits;
  return { store: createMemoryFeatureStore(cols, path), readTexts: textReader(cols.texts), readLogits: async () => logits.slice() };
}
