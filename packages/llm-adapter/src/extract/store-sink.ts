import {
  createFeatureStoreWriter,
  finalizeFeatureStore,
  InvalidOptionError,
  type FeatureDType,
  type FeatureStoreWriter,
  type StoreCodec,
  type StoreTarget,
} from '@dualxda/core';
import { checkTokenRows, corpusChunksOfRows, rowsOfTexts, sliceRows, spanIsDone, type RowSpan } from './token-rows.js';
import type { ExtractedChunk, FeatureSink, SinkInfo } from './types.js';

/** Default store chunk rows of token-head stores (the core writer's default). */
const DEFAULT_TOKEN_CHUNK_ROWS = 4096;

/** Options of `createStoreSink`; everything else comes from the model and `extractFeatures`. */
export interface StoreSinkOptions {
  /**
   * Store rows. Default: `totalRows` of the extraction for the sequence head, the last entry of
   * `textRowStarts` for the token head (one row per token: count them first with `countTokenRows`).
   */
  rows?: number;
  /**
   * Store rows per chunk for token-head stores (default 4096). Sequence-head stores always use
   * the extraction's `chunkRows`, so corpus chunks and store chunks coincide for resume/shards.
   */
  tokenChunkRows?: number;
  /** Feature precision on disk (default 'float32'). */
  dtype?: FeatureDType;
  /** Codec of the numeric arrays (default: the writer's, raw; docs/store-format.md). */
  codec?: StoreCodec;
  /** Hash of the corpus revision, recorded in the manifest (default ''). */
  datasetRevision?: string;
  /** Finalize the store in `end()` (default: true when not sharded; run `finalizeFeatureStore` after all shards otherwise). */
  finalize?: boolean;
}

/**
 * A `FeatureSink` over the core FeatureStore writer (Zarr v3): sequence rows map 1:1 onto store
 * rows, with corpus chunks = store chunks, so resume and `shard` line up with the store's own.
 * Token rows: with `textRowStarts` (from `countTokenRows`) a shard runs the corpus chunks that touch
 * its chunk-aligned row range and keeps only its own rows, and resume skips finished texts;
 * without it rows are appended in order and the writer skips store chunks already complete.
 *
 * @example
 * const sink = createStoreSink('train-features.zarr');
 * await extractFeatures(model, readJsonlCorpus('train.jsonl'), sink, { totalRows: 4836 });
 */
export function createStoreSink(target: StoreTarget, options: StoreSinkOptions = {}): FeatureSink & { writer(): FeatureStoreWriter | null } {
  let w: FeatureStoreWriter | null = null;
  let finalize = options.finalize ?? true;
  let rowStarts: ArrayLike<number> | null = null;
  let chunks: RowSpan | undefined;
  return {
    writer: () => w,
    chunkRange: () => chunks,
    async begin(info: SinkInfo) {
      const token = info.head === 'token';
      const rows = options.rows ?? (token ? (info.textRowStarts?.[info.textRowStarts.length - 1] ?? null) : info.totalRows);
      if (rows === null) throw new InvalidOptionError('rows', token ? 'token-head stores need the token row count up front (countTokenRows)' : 'needs totalRows (or StoreSinkOptions.rows)');
      if (token && info.shard !== null && info.textRowStarts === null) {
        throw new InvalidOptionError('shard', 'a token-head shard needs textRowStarts (countTokenRows(...).rowStarts) to find its texts');
      }
      if (token && info.textRowStarts !== null && info.textRowStarts[info.textRowStarts.length - 1] !== rows) {
        throw new InvalidOptionError('rows', `${rows} store rows, but textRowStarts counts ${info.textRowStarts[info.textRowStarts.length - 1]} tokens`);
      }
      if (!token && rows !== info.totalRows) throw new InvalidOptionError('rows', `sequence stores have one row per text: ${rows} != totalRows ${info.totalRows}`);
      finalize = options.finalize ?? info.shard === null;
      w = await createFeatureStoreWriter(target, {
        rows,
        dim: info.dim,
        ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
        ...(options.codec === undefined ? {} : { codec: options.codec }),
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
      const c = info.chunkRows;
      const done = new Set<number>();
      if (token) {
        if (info.textRowStarts === null) return done;
        rowStarts = info.textRowStarts;
        chunks = corpusChunksOfRows(rowStarts, w.range, c);
        const missing = w.missingRanges();
        for (let k = chunks.start; k < chunks.end; k++) {
          const span = rowsOfTexts(rowStarts, k * c, (k + 1) * c);
          if (spanIsDone({ start: Math.max(span.start, w.range.start), end: Math.min(span.end, w.range.end) }, missing)) done.add(k);
        }
        return done;
      }
      for (let k = w.range.start / c; k * c < w.range.end; k++) done.add(k);
      for (const r of w.missingRanges()) for (let k = Math.floor(r.start / c); k * c < r.end; k++) done.delete(k);
      return done;
    },
    async writeChunk(chunk: ExtractedChunk) {
      if (w === null) throw new InvalidOptionError('sink', 'writeChunk before begin');
      if (w.spec.head === 'sequence') {
        if (w.cursor < chunk.firstText) w.seek(chunk.firstText);
        await w.append(chunk.batch);
        return;
      }
      if (rowStarts === null) {
        await w.append(chunk.batch);
        return;
      }
      // Keep only this shard's rows; rows before them belong to chunks skipped as complete.
      const span = rowsOfTexts(rowStarts, chunk.firstText, chunk.firstText + chunk.textCount);
      checkTokenRows(chunk, span);
      const lo = Math.max(span.start, w.range.start);
      const hi = Math.min(span.end, w.range.end);
      if (hi <= lo) return;
      if (w.cursor < lo) w.seek(lo);
      await w.append(sliceRows(chunk.batch, lo - span.start, hi - span.start));
    },
    async end() {
      if (w === null) return;
      const summary = await w.close();
      if (finalize && summary.complete) await finalizeFeatureStore(w.path);
    },
  };
}
