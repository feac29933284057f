import { InvalidOptionError } from '../errors.js';
import type { BuildSpec } from './layout.js';
import type { StoreCodec } from './layout.js';
import { schemaVersionOf } from './layout.js';
import type { FeatureDType, HeadKind } from './types.js';

/** Options of `createFeatureStoreWriter`; defaults in `DEFAULT_FEATURE_STORE_WRITER_OPTIONS`. */
export interface FeatureStoreWriterOptions {
  /** Total rows of the whole store (all shards). Required. */
  rows: number;
  /** Feature dimension d. Required. */
  dim: number;
  /** Storage precision. @default 'float32' */
  dtype?: FeatureDType;
  /** Rows per chunk (every array is chunked by the same rows). @default 4096 */
  chunkRows?: number;
  /** @default 'sequence' */
  head?: HeadKind;
  /** Class names, index = label id; labels must lie in [0, classNames.length) when non-empty. @default [] */
  classNames?: string[];
  /** @default '' */
  modelHash?: string;
  /** @default '' */
  datasetRevision?: string;
  /** @default '' */
  layer?: string;
  /** Creating tool, e.g. `dualxda@0.1.0`. @default 'dualxda' */
  tool?: string;
  /** Original label values when labels were remapped to 0..K-1. */
  labelMapping?: (string | number)[];
  /** Store per-row [sequenceIndex, position]. @default head === 'token' */
  tokenOffsets?: boolean;
  /** Store one UTF-8 text per row (training text, or the token for token rows). @default false */
  texts?: boolean;
  /** Store n x logitsDim float32 logits of the original model (test-set stores); 0 = none. @default 0 */
  logitsDim?: number;
  /**
   * How numeric arrays are stored. `raw` (Zarr `bytes` codec only) reads and writes at disk speed
   * and lets a few rows be read alone; `zstd` saves ~8% on float32 features and writes the
   * schema-1 layout older dualxda versions read. String arrays are zstd either way. When resuming
   * a store and this is not given, the store's own codec is kept. @default 'raw' */
  codec?: StoreCodec;
  /** zstd level (for zstd arrays). @default 1 */
  compressionLevel?: number;
  /** This process's part of a distributed build. @default { index: 0, count: 1 } */
  shard?: { index: number; count: number };
  /** Verify sha256 of existing chunks when resuming (false trusts size only). @default true */
  verifyExisting?: boolean;
}

/** The documented defaults (a test checks they match the JSDoc). */
export const DEFAULT_FEATURE_STORE_WRITER_OPTIONS = {
  dtype: 'float32' as FeatureDType,
  chunkRows: 4096,
  head: 'sequence' as HeadKind,
  classNames: [] as string[],
  modelHash: '',
  datasetRevision: '',
  layer: '',
  tool: 'dualxda',
  texts: false,
  logitsDim: 0,
  codec: 'raw' as StoreCodec,
  compressionLevel: 1,
  shard: { index: 0, count: 1 },
  verifyExisting: true,
} as const;

export interface ResolvedFeatureStoreWriterOptions {
  spec: BuildSpec;
  shard: { index: number; count: number };
  verifyExisting: boolean;
  /** False when `codec` came from the defaults: a resumed store then keeps the codec it was started with. */
  codecGiven: boolean;
}

function positiveInt(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new InvalidOptionError(name, `must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(v)}`);
  }
  return v;
}

/**
 * Class names are looked up by name (gold labels, `--shortcut-class`, the dashboard's filters), so
 * each must be a non-empty string and unique; errors name the position.
 */
export function checkClassNames(names: readonly unknown[]): string[] {
  const seen = new Map<string, number>();
  names.forEach((name, k) => {
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidOptionError('classNames', `name ${k} is ${typeof name === 'string' ? 'empty' : String(name)}; every class needs a non-empty name`);
    const first = seen.get(name);
    if (first !== undefined) throw new InvalidOptionError('classNames', `'${name}' is the name of classes ${first} and ${k}; names must be unique`);
    seen.set(name, k);
  });
  return [...names] as string[];
}

/** Validates writer options; errors name the option. */
export function resolveFeatureStoreWriterOptions(opts: FeatureStoreWriterOptions): ResolvedFeatureStoreWriterOptions {
  const d = DEFAULT_FEATURE_STORE_WRITER_OPTIONS;
  const rows = positiveInt('rows', opts.rows, true);
  if (rows === 0) throw new InvalidOptionError('rows', 'must be >= 1: a store needs at least one row (the input has none)');
  const dim = positiveInt('dim', opts.dim);
  const dtype = opts.dtype ?? d.dtype;
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'int8') throw new InvalidOptionError('dtype', `unsupported dtype '${String(dtype)}' (float32, float16 or int8)`);
  const head = opts.head ?? d.head;
  if (head !== 'sequence' && head !== 'token') throw new InvalidOptionError('head', `must be 'sequence' or 'token', got '${String(head)}'`);
  const chunkRows = positiveInt('chunkRows', opts.chunkRows ?? d.chunkRows);
  const logitsDim = positiveInt('logitsDim', opts.logitsDim ?? d.logitsDim, true);
  const compressionLevel = positiveInt('compressionLevel', opts.compressionLevel ?? d.compressionLevel);
  if (compressionLevel > 22) throw new InvalidOptionError('compressionLevel', `must be <= 22, got ${compressionLevel}`);
  const codec = opts.codec ?? d.codec;
  if (codec !== 'raw' && codec !== 'zstd') throw new InvalidOptionError('codec', `must be 'raw' or 'zstd', got '${String(codec)}'`);
  const shard = opts.shard ?? d.shard;
  positiveInt('shard.count', shard.count);
  positiveInt('shard.index', shard.index, true);
  if (shard.index >= shard.count) throw new InvalidOptionError('shard.index', `must be < shard.count (${shard.count}), got ${shard.index}`);
  const classNames = checkClassNames(opts.classNames ?? d.classNames);
  const spec: BuildSpec = {
    schemaVersion: schemaVersionOf(codec),
    rows,
    dim,
    dtype,
    chunkRows,
    head,
    classNames,
    modelHash: opts.modelHash ?? d.modelHash,
    datasetRevision: opts.datasetRevision ?? d.datasetRevision,
    layer: opts.layer ?? d.layer,
    tool: opts.tool ?? d.tool,
    tokenOffsets: opts.tokenOffsets ?? head === 'token',
    texts: opts.texts ?? d.texts,
    logitsDim,
    compressionLevel,
    codec,
  };
  if (opts.labelMapping !== undefined) spec.labelMapping = [...opts.labelMapping];
  return { spec, shard: { index: shard.index, count: shard.count }, verifyExisting: opts.verifyExisting ?? d.verifyExisting, codecGiven: opts.codec !== undefined };
}
