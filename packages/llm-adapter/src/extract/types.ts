import type { HeadKind, RowBatch } from '@dualxda/core';

/** One training row of a corpus. */
export interface CorpusRow {
  id: string | number | bigint;
  text: string;
  /**
   * Class index 0..K-1, or a class name from the checkpoint's `id2label`; for the token head also
   * a list, one label per word or per token (aligned by `alignTokenLabels`).
   */
  label: number | string | (number | string)[];
}

/** What a sink learns before the first chunk. */
export interface SinkInfo {
  head: HeadKind;
  dim: number;
  /** Texts per corpus chunk (the unit of sharding and resume). */
  chunkRows: number;
  /** Corpus texts in total, when known. */
  totalRows: number | null;
  classNames: string[];
  modelHash: string;
  /** Layer the features come from (descriptor's feature layer). */
  layer: string;
  /** Columns of `logits` (0 when the model has no head of this kind). */
  numOutputs: number;
  /** The shard being processed, or null for the whole corpus. */
  shard: { index: number; count: number } | null;
  /** Token head: store row of each text's first token (length texts + 1), when counted up front. */
  textRowStarts: ArrayLike<number> | null;
}

/** One corpus chunk's rows, ready to store. */
export interface ExtractedChunk {
  /** Corpus chunk index (texts [index*chunkRows, ...)). */
  index: number;
  /** Corpus row index of the chunk's first text. */
  firstText: number;
  /** Texts in the chunk. */
  textCount: number;
  /**
   * Rows: texts (sequence head) or tokens (token head, `tokenOffsets` = [corpus text index,
   * position]). `texts` holds the text per sequence row or the token string per token row;
   * `logits` (rows × numOutputs) is present when the model has a head of this kind.
   */
  batch: RowBatch & { ids: string[]; texts: string[] };
  /** Tokens processed (after truncation). */
  tokens: number;
  /** Corpus indices of texts cut to `maxLength`. */
  truncated: number[];
}

/**
 * Where `extractFeatures` writes. `begin` returns the chunk indices already complete (resume);
 * `writeChunk` must be durable before it resolves (the FeatureStore writer's chunk write).
 * `chunkRange`, when present, overrides the corpus chunks a shard runs (token-head stores, whose
 * shards own row ranges that cut through texts).
 */
export interface FeatureSink {
  begin(info: SinkInfo): Promise<ReadonlySet<number>>;
  chunkRange?(): { start: number; end: number } | undefined;
  writeChunk(chunk: ExtractedChunk): Promise<void>;
  end(): Promise<void>;
}

/** Progress after each chunk. */
export interface ExtractProgress {
  textsDone: number;
  rowsDone: number;
  tokensDone: number;
  chunksDone: number;
  chunksSkipped: number;
  /** Chunks this run will process (this shard's), when `totalRows` is known. */
  chunksTotal: number | null;
  elapsedSeconds: number;
  rowsPerSecond: number;
  tokensPerSecond: number;
  /** Seconds left, when `totalRows` is known. */
  etaSeconds: number | null;
}
