import { InvalidOptionError } from '@dualxda/core';
import { DEFAULT_EMBED_OPTIONS, type EmbedOptions } from '../embed/embed-options.js';
import { stripUndefined } from '../onnx/runner-options.js';
import type { ExtractProgress } from './types.js';

/** Options of `extractFeatures` (the embed options apply per chunk). */
export interface ExtractOptions extends EmbedOptions {
  /** Texts per corpus chunk: the window sorted by length, the unit of resume and sharding (default 1024). */
  chunkRows?: number;
  /** Corpus size; needed for `shard` and for the ETA (default null = unknown). */
  totalRows?: number | null;
  /** Process only shard `index` of `count` contiguous chunk ranges (default null = all). */
  shard?: { index: number; count: number } | null;
  /**
   * Token head: the store row of each text's first token, length `totalRows + 1`
   * (`countTokenRows(...).rowStarts`). Lets a token-head store be sharded and resumed without
   * re-running finished texts (default null).
   */
  textRowStarts?: ArrayLike<number> | null;
  /** Called after each chunk (default: none). */
  onProgress?: ((p: ExtractProgress) => void) | null;
  /** Stops between chunks (default: none). */
  signal?: AbortSignal | null;
  /**
   * ONNX Runtime worker threads, each with its own single-threaded CPU session, embedding up to
   * `workers` + 1 chunks at a time while this thread tokenises and writes (extract/pipeline.ts).
   * 0 (default): the model's own runner, one chunk after another. Ignored for a built-in forward
   * or the CUDA provider. Each worker holds a copy of the graph's weights.
   */
  workers?: number;
}

/** `ExtractOptions` with every field set (embed defaults included). */
export type ResolvedExtractOptions = Required<ExtractOptions>;

/**
 * Defaults of `ExtractOptions`.
 *
 * @example
 * DEFAULT_EXTRACT_OPTIONS.chunkRows; // 1024
 */
export const DEFAULT_EXTRACT_OPTIONS: Readonly<ResolvedExtractOptions> = {
  ...DEFAULT_EMBED_OPTIONS,
  chunkRows: 1024,
  totalRows: null,
  shard: null,
  textRowStarts: null,
  onProgress: null,
  signal: null,
  workers: 0,
};

/**
 * Validates `ExtractOptions`; errors name the option. `maxLength` is checked later against the
 * model (`resolveEmbedOptions`).
 *
 * @example
 * resolveExtractOptions({ shard: { index: 0, count: 2 }, totalRows: 100 }).chunkRows; // 1024
 */
export function resolveExtractOptions(options: ExtractOptions = {}): ResolvedExtractOptions {
  const r = { ...DEFAULT_EXTRACT_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(r.chunkRows) || r.chunkRows < 1) throw new InvalidOptionError('chunkRows', `must be a positive integer, got ${r.chunkRows}`);
  if (r.totalRows !== null && (!Number.isInteger(r.totalRows) || r.totalRows < 0)) {
    throw new InvalidOptionError('totalRows', `must be a non-negative integer, got ${r.totalRows}`);
  }
  if (r.shard !== null) {
    const { index, count } = r.shard;
    if (!Number.isInteger(count) || count < 1) throw new InvalidOptionError('shard', `count must be a positive integer, got ${count}`);
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new InvalidOptionError('shard', `index must be in [0, ${count - 1}], got ${index}`);
    if (r.totalRows === null) throw new InvalidOptionError('shard', 'needs totalRows to split the corpus into contiguous chunk ranges');
  }
  if (!Number.isInteger(r.workers) || r.workers < 0 || r.workers > 64) throw new InvalidOptionError('workers', `must be an integer in 0..64, got ${r.workers}`);
  if (r.textRowStarts !== null && (r.totalRows === null || r.textRowStarts.length !== r.totalRows + 1)) {
    throw new InvalidOptionError('textRowStarts', `needs totalRows and totalRows + 1 entries, got ${r.textRowStarts.length} for totalRows ${r.totalRows}`);
  }
  return r;
}

/**
 * The chunk range [start, end) of one shard: chunks are split as evenly as possible into
 * `count` contiguous ranges, so each shard writes whole, disjoint store chunks.
 *
 * @example
 * shardChunkRange(10, { index: 1, count: 3 }); // { start: 3, end: 6 }
 */
export function shardChunkRange(chunkCount: number, shard: { index: number; count: number } | null): { start: number; end: number } {
  if (shard === null) return { start: 0, end: chunkCount };
  return { start: Math.floor((shard.index * chunkCount) / shard.count), end: Math.floor(((shard.index + 1) * chunkCount) / shard.count) };
}
