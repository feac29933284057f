import { InvalidInputError } from '../store/errors.js';
import { buildFeatureStore } from '../store/build.js';
import type { RowRange } from '../store/errors.js';
import type { StoreTarget } from '../store/store-io.js';
import type { FeatureStoreManifest, RowBatch } from '../store/types.js';
import type { FeatureStoreWriteSummary } from '../store/writer.js';
import type { FeatureStoreWriterOptions } from '../store/writer-options.js';
import { DEFAULT_FEATURE_STORE_WRITER_OPTIONS } from '../store/writer-options.js';

/** Features a user already has, exposed row-range-wise so imports stream. */
export interface FeatureSource {
  /** File (or files) the rows come from, for error messages. */
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** Rows [start, end) as float32, row-major. */
  readFeatures(start: number, end: number): Promise<Float32Array>;
  /** All labels (n). */
  readonly labels: Int32Array;
  /** All ids (n); default: the row index. */
  readonly ids?: ArrayLike<string | number | bigint>;
  close?(): Promise<void>;
}

/** Options of `importFeatures`: writer options without the shape, which comes from the source. */
export interface ImportFeaturesOptions extends Omit<FeatureStoreWriterOptions, 'rows' | 'dim'> {
  /** Rows read from the source per batch. @default chunkRows (4096) */
  batchRows?: number;
  /** Finalize after a complete single-shard import. @default true */
  finalize?: boolean;
  /** Manifest timestamp (see finalizeFeatureStore). */
  createdAt?: string;
}

/** Converts integer-valued label data of any numeric type to int32; names the file on failure. */
export function toInt32Labels(data: ArrayLike<number | bigint>, file: string, field = 'labels'): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new InvalidInputError(file, field, `${String(data[i])} is not an int32 label`, i);
    out[i] = v;
  }
  return out;
}

async function* batchesOf(source: FeatureSource, range: RowRange, step: number): AsyncGenerator<RowBatch> {
  for (let s = range.start; s < range.end; s += step) {
    const e = Math.min(range.end, s + step);
    const ids = Array.from({ length: e - s }, (_, i) => (source.ids ? source.ids[s + i] : s + i));
    yield { features: await source.readFeatures(s, e), labels: source.labels.subarray(s, e), ids };
  }
}

/**
 * Streams a `FeatureSource` into a store (resumable and shardable like any build: only this
 * shard's missing chunks are read from the source).
 *
 * @example
 * const source = await npyFeatureSource({ features: 'x.npy', labels: 'y.npy' });
 * const { manifest } = await importFeatures('feats.zarr', source, { classNames: ['neg', 'pos'] });
 */
export async function importFeatures(target: StoreTarget, source: FeatureSource, options: ImportFeaturesOptions = {}): Promise<FeatureStoreWriteSummary & { manifest?: FeatureStoreManifest }> {
  const { batchRows, finalize, createdAt, ...writerOptions } = options;
  if (source.labels.length !== source.rows) {
    throw new InvalidInputError(source.name, 'labels', `length ${source.labels.length} does not match ${source.rows} feature rows`);
  }
  if (source.ids !== undefined && source.ids.length !== source.rows) {
    throw new InvalidInputError(source.name, 'ids', `length ${source.ids.length} does not match ${source.rows} feature rows`);
  }
  try {
    return await buildFeatureStore(target, { ...writerOptions, rows: source.rows, dim: source.dim, finalize, createdAt }, (range) => batchesOf(source, range, batchRows ?? writerOptions.chunkRows ?? DEFAULT_FEATURE_STORE_WRITER_OPTIONS.chunkRows));
  } finally {
    await source.close?.();
  }
}
