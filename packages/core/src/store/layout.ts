import type { FeatureDType, HeadKind } from './types.js';

/**
 * Newest on-disk schema version this code reads and writes; readers refuse newer ones. Version 1:
 * every array zstd-compressed, one sha256 per chunk file. Version 2 adds uncompressed (`raw`)
 * numeric arrays with one sha256 per 64 KiB block, so a few rows can be read and verified alone.
 * A `codec: 'zstd'` build still writes version 1, readable by every older dualxda.
 */
export const SCHEMA_VERSION = 2;

/** How numeric arrays are stored: `raw` (Zarr `bytes` only) or `zstd`-compressed. Strings are always zstd. */
export type StoreCodec = 'raw' | 'zstd';

/** The schema version a build with `codec` writes (see SCHEMA_VERSION). */
export function schemaVersionOf(codec: StoreCodec): number {
  return codec === 'zstd' ? 1 : 2;
}

/** Key of the per-build specification every shard writes (identical across shards). */
export const BUILD_SPEC_KEY = 'dualxda-build.json';

/** Name of the root attribute holding the manifest. */
export const MANIFEST_ATTR = 'dualxda';

/** Everything that fixes the byte layout of a store: identical for every shard of one build. */
export interface BuildSpec {
  schemaVersion: number;
  rows: number;
  dim: number;
  dtype: FeatureDType;
  chunkRows: number;
  head: HeadKind;
  classNames: string[];
  modelHash: string;
  datasetRevision: string;
  layer: string;
  tool: string;
  labelMapping?: (string | number)[];
  tokenOffsets: boolean;
  texts: boolean;
  logitsDim: number;
  compressionLevel: number;
  /** Absent in build specs and manifests written before schema version 2, which are all zstd. */
  codec?: StoreCodec;
}

/** The codec of a chunk file of dtype `dtype` (ids: the chunk's id type): strings keep zstd, since text compresses well. */
export function chunkCodec(spec: Pick<BuildSpec, 'codec'>, dtype: ArrayDType): StoreCodec {
  return dtype === 'string' ? 'zstd' : (spec.codec ?? 'zstd');
}

/** Element type of one array on disk (`string` = Zarr v3 variable-length UTF-8). */
export type ArrayDType = 'float32' | 'float16' | 'int8' | 'int32' | 'int64' | 'string';

/** Static description of one array of the store. */
export interface ArraySpec {
  name: string;
  dtype: ArrayDType;
  /** Columns per row (1 for vectors). */
  width: number;
  /** True for n x width arrays, false for length-n vectors. */
  twoD: boolean;
}

/** The arrays a build writes, in write order (ids dtype is decided per chunk, see idsDType). */
export function arraySpecs(spec: BuildSpec): ArraySpec[] {
  const out: ArraySpec[] = [{ name: 'features', dtype: spec.dtype, width: spec.dim, twoD: true }];
  if (spec.dtype === 'int8') out.push({ name: 'scales', dtype: 'float32', width: 1, twoD: false });
  out.push({ name: 'labels', dtype: 'int32', width: 1, twoD: false });
  out.push({ name: 'ids', dtype: 'string', width: 1, twoD: false });
  out.push({ name: 'norms', dtype: 'float32', width: 1, twoD: false });
  if (spec.tokenOffsets) out.push({ name: 'token_offsets', dtype: 'int32', width: 2, twoD: true });
  if (spec.texts) out.push({ name: 'texts', dtype: 'string', width: 1, twoD: false });
  if (spec.logitsDim > 0) out.push({ name: 'logits', dtype: 'float32', width: spec.logitsDim, twoD: true });
  return out;
}

/** Zarr v3 default chunk key (separator '/') of row-chunk `k`. */
export function chunkKey(a: ArraySpec, k: number): string {
  return a.twoD ? `${a.name}/c/${k}/0` : `${a.name}/c/${k}`;
}

/** Sidecar with the checksums of every array's chunk `k`; its presence marks the chunk complete. */
export function sidecarKey(k: number): string {
  return `checksums/${k}.json`;
}

export function chunkCount(spec: Pick<BuildSpec, 'rows' | 'chunkRows'>): number {
  return Math.ceil(spec.rows / spec.chunkRows);
}

/** Chunk range [first, last) of shard `index` of `count`: contiguous, balanced, chunk-aligned. */
export function shardChunks(chunks: number, index: number, count: number): { first: number; last: number } {
  return { first: Math.floor((index * chunks) / count), last: Math.floor(((index + 1) * chunks) / count) };
}

/** Zarr v3 array metadata document for `a`. */
export function arrayMetadata(spec: BuildSpec, a: ArraySpec): Record<string, unknown> {
  const isString = a.dtype === 'string';
  return {
    zarr_format: 3,
    node_type: 'array',
    shape: a.twoD ? [spec.rows, a.width] : [spec.rows],
    data_type: a.dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: a.twoD ? [spec.chunkRows, a.width] : [spec.chunkRows] } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: isString ? '' : 0,
    codecs: [
      isString ? { name: 'vlen-utf8', configuration: {} } : { name: 'bytes', configuration: { endian: 'little' } },
      ...(chunkCodec(spec, a.dtype) === 'zstd' ? [{ name: 'zstd', configuration: { level: spec.compressionLevel, checksum: false } }] : []),
    ],
    attributes: {},
    dimension_names: a.twoD ? ['row', a.name === 'features' ? 'feature' : 'column'] : ['row'],
  };
}
