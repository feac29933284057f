import {
  createFeatureStoreWriter,
  finalizeFeatureStore,
  InvalidOptionError,
  type FeatureDType,
  type FeatureStoreWriter,
  type StoreTarget,
} from '@dualxda/core';
import type { ExtractedChunk, FeatureSink, SinkInfo } from './types.js';

/** Default store chunk rows of token-head stores (the core writer's default). */
const DEFAULT_TOKEN_CHUNK_ROWS = 4096;

/** Options of `createStoreSink`; everything else comes from the model and `extractFeatures`. */
export interface StoreSinkOptions {
  /**
   * Store rows. Default: `totalRows` of the extraction for the sequence head. Required for the
   * token head (one row per token: count them first, e.g. with `countTokenRows`).
   */
  rows?: number;
  /**
   * Store rows per chunk for token-head stores (default 4096). Sequence-head stores always use
   * the extraction's `chunkRows`, so corpus chunks and store chunks coincide for resume/shards.
   */
  tokenChunkRows?: number;
  /** Feature precision on disk (default 'float32'). */
  dtype?: FeatureDType;
  /** Hash of the corpus revision, recorded in the manifest (default ''). */
  datasetRevision?: string;
  /** Finalize the store in `end()` (default: true when not sharded; run `finalizeFeatureStore` after all shards otherwise). */
  finalize?: boolean;
}

/**
 * A `FeatureSink` over the core FeatureStore writer (Zarr v3): sequence rows map 1:1 onto store
 * rows, with corpus chunks = store chunks, so resume and `shard` line up with the store's own.
 * Token rows are appended in order; the writer itself skips store chunks already complete.
 *
 * @example
 * const sink = createStoreSink('train-features.zarr');
 * await extractFeatures(model, readJsonlCorpus('train.jsonl'), sink, { totalRows: 4836 });
 */
export function createStoreSink(target: StoreTarget, options: StoreSinkOptions = {}): FeatureSink & { writer(): FeatureStoreWriter | null } {
  let w: FeatureStoreWriter | null = null;
  let finalize = options.finalize ?? true;
  return {
    writer: () => w,
    async begin(info: SinkInfo) {
      const token = info.head === 'token';
      const rows = options.rows ?? (token ? null : info.totalRows);
      if (rows === null) throw new InvalidOptionError('rows', token ? 'token-head stores need the token row count up front' : 'needs totalRows (or StoreSinkOptions.rows)');
      if (token && info.shard !== null) throw new InvalidOptionError('shard', 'token-head extraction cannot be sharded (token rows do not align with corpus chunks)');
      if (!token && rows !== info.totalRows) throw new InvalidOptionError('rows', `sequence stores have one row per text: ${rows} != totalRows ${info.totalRows}`);
      finalize = options.finalize ?? info.shard === null;
      w = await createFeatureStoreWriter(target, {
        rows,
        dim: info.dim,
        ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
        // Token rows get their own, larger chunks: a corpus chunk of texts holds many tokens.
        chunkRows: token ? (options.tokenChunkRows ?? DEFAULT_TOKEN_CHUNK_ROWS) : info.chunkRows,
        head: info.head,
        classNames: info.classNames,
        modelHash: info.modelHash,
        datasetRevision: options.datasetRevision ?? '',
        layer: info.layer,
        tool: 'dualxda/llm-adapter',
        texts: true,
        logitsDim: info.numOutputs,
        shard: info.shard ?? { index: 0, count: 1 },
      });
      if (token) return new Set<number>();
      const done = new Set<number>();
      const c = info.chunkRows;
      for (let k = w.range.start / c; k * c < w.range.end; k++) done.add(k);
      for (const r of w.missingRanges()) for (let k = Math.floor(r.start / c); k * c < r.end; k++) done.delete(k);
      return done;
    },
    async writeChunk(chunk: ExtractedChunk) {
      if (w === null) throw new InvalidOptionError('sink', 'writeChunk before begin');
      if (w.spec.head === 'sequence' && w.cursor < chunk.firstText) w.seek(chunk.firstText);
      await w.append(chunk.batch);
    },
    async end() {
      if (w === null) return;
      const summary = await w.close();
      if (finalize && summary.complete) await finalizeFeatureStore(w.path);
    },
  };
}
