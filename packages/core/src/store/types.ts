/**
 * The FeatureStore contract shared by every package (solver block mode, explainer, extractor,
 * dashboard server). Implementation: ./feature-store.ts (Zarr v3 via zarrita). Layout:
 * docs/store-format.md.
 */

/** Feature storage precision on disk; reads always return float32. */
export type FeatureDType = 'float32' | 'float16' | 'int8';

/** Whether each row is one sequence (sequence head) or one token (token head, LM head). */
export type HeadKind = 'sequence' | 'token';

/** Root attributes of a store, written by `finalize()`. */
export interface FeatureStoreManifest {
  schemaVersion: number;
  rows: number;
  dim: number;
  dtype: FeatureDType;
  chunkRows: number;
  head: HeadKind;
  /** Hash of the model weights the features came from ('' when imported). */
  modelHash: string;
  /** Hash of the training corpus revision. */
  datasetRevision: string;
  /** Name of the layer whose output the features are (e.g. 'bert.pooler'). */
  layer: string;
  /** Class names, index = label id. */
  classNames: string[];
  /** `dualxda@<version>` or the importing tool. */
  tool: string;
  createdAt: string;
  /** Original label values when labels were remapped to 0..K-1. */
  labelMapping?: (string | number)[];
  /** How ids are stored: int64 when every id is an integer, else UTF-8 strings. */
  idType?: 'int64' | 'string';
  /** Names of the arrays present (features, labels, ids, norms, and optional ones). */
  arrays?: string[];
  /** Columns of the optional `logits` array (0 or absent = none). */
  logitsDim?: number;
  /** How numeric arrays are stored (strings are always zstd); absent = `zstd` (schema version 1). */
  codec?: 'raw' | 'zstd';
}

/** A contiguous or gathered block of rows, always decoded to float32. */
export interface RowBlock {
  /** Row index of the first row for contiguous blocks; -1 for gathered blocks. */
  start: number;
  /** Number of rows in the block. */
  rows: number;
  dim: number;
  /** rows x dim, row-major. */
  features: Float32Array;
  labels: Int32Array;
  /** Stable training-row ids (int64 ids are rendered as decimal strings). */
  ids: string[];
  /** Euclidean norm of each row's feature vector (as stored). */
  norms: Float32Array;
  /** For token rows: [sequenceIndex, position] per row, length 2*rows. */
  tokenOffsets?: Int32Array;
  /** For gathered blocks: the store row index of each row. */
  indices?: Int32Array;
}

/** Read side of a finalized store. */
export interface FeatureStoreReader {
  readonly path: string;
  readonly manifest: FeatureStoreManifest;
  readonly rows: number;
  readonly dim: number;
  readonly chunkRows: number;
  readonly chunkCount: number;
  readRows(start: number, end: number): Promise<RowBlock>;
  readChunk(k: number): Promise<RowBlock>;
  /**
   * Iterates chunks in order, reading ahead while the caller works on chunk k. With
   * `reuseBuffers`, each block's `features` is only valid until the caller asks for the next
   * block: its memory is read over by a later chunk (a full scan then touches no fresh memory,
   * which costs about as much CPU as the read itself). Without it, blocks are the caller's to keep.
   */
  iterChunks(options?: { start?: number; end?: number; signal?: AbortSignal; reuseBuffers?: boolean }): AsyncIterable<RowBlock>;
  gatherRows(indices: ArrayLike<number>): Promise<RowBlock>;
  /** All labels (n int32: small enough to hold even for millions of rows). */
  readLabels(): Promise<Int32Array>;
  /** All norms (n float32). */
  readNorms(): Promise<Float32Array>;
  readIds(start: number, end: number): Promise<string[]>;
  /** Per-row texts (training text, or the token for token rows); absent when the store has none. */
  readTexts?(start: number, end: number): Promise<string[]>;
  gatherTexts?(indices: ArrayLike<number>): Promise<string[]>;
  /** Original-model logits of rows [start, end) (rows x logitsDim); absent when the store has none. */
  readLogits?(start: number, end: number): Promise<Float32Array>;
}

/** One batch handed to the writer. */
export interface RowBatch {
  features: Float32Array;
  labels: Int32Array | ArrayLike<number>;
  ids: ArrayLike<string | number | bigint>;
  tokenOffsets?: Int32Array;
  /** One text per row, when the store keeps texts. */
  texts?: string[];
  /** rows x logitsDim, when the store keeps logits. */
  logits?: Float32Array;
}
