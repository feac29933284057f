import { isDualxdaError } from '../errors.js';
import type { ChunkSidecar, Scratch } from './checksum.js';
import { readSidecar, readVerified, readVerifiedRange } from './checksum.js';
import type { DecodedArray } from './chunk-codec.js';
import { decodeArrayChunk, typedView } from './chunk-codec.js';
import { halfToFloatTable } from './codec.js';
import { ChunkError, InvalidInputError, StoreFormatError } from './errors.js';
import type { ArraySpec, BuildSpec } from './layout.js';
import { arraySpecs, chunkCodec, chunkCount, chunkKey, MANIFEST_ATTR, SCHEMA_VERSION } from './layout.js';
import type { StoreIO } from './store-io.js';
import { readJson } from './store-io.js';
import type { FeatureStoreManifest } from './types.js';

/** Options of `openFeatureStore`. */
export interface OpenFeatureStoreOptions {
  /** Check every chunk's sha256 on read (size is always checked). @default true */
  verify?: boolean;
}

/** Low-level chunk access shared by the reader's methods: verified, decoded, features as float32. */
export interface ChunkSource {
  readonly io: StoreIO;
  readonly spec: BuildSpec;
  readonly manifest: FeatureStoreManifest;
  readonly arrays: Map<string, ArraySpec>;
  /** Decoded chunk `k` of `array` (full chunk length, padding included); raw chunks are read into `scratch` when given. */
  array(name: string, k: number, scratch?: Scratch): Promise<DecodedArray>;
  /** Features of chunk `k` decoded to float32 (chunkRows x dim); raw float32 ones may be a view of `scratch`. */
  features(k: number, scratch?: Scratch): Promise<Float32Array>;
  /**
   * Rows `local` (chunk-relative, ascending) of chunk `k` of numeric array `name`, one array of
   * `width` elements per row. Raw chunks of a filesystem store read and verify only the checksum
   * blocks holding those rows; other chunks are read whole.
   */
  rowsOf(name: string, k: number, local: readonly number[]): Promise<Exclude<DecodedArray, string[]>[]>;
  /** True when rows of `name` can be read alone (raw chunks of a store with positional reads). */
  partial(name: string): boolean;
  /** Throws a clear error unless 0 <= start <= end <= rows. */
  checkRange(start: number, end: number, what: string): void;
}

/** Opens the manifest of a finalized store and returns verified chunk access. */
export async function openChunkSource(io: StoreIO, options: OpenFeatureStoreOptions = {}): Promise<ChunkSource> {
  const verify = options.verify ?? true;
  let root: { attributes?: Record<string, unknown> } | undefined;
  try {
    root = await readJson(io, 'zarr.json');
  } catch (cause) {
    // A 5xx or an unreachable server is not a malformed store: keep its URL and status.
    if (isDualxdaError(cause, 'StoreHttpError')) throw cause;
    throw new StoreFormatError(io.path, 'zarr.json is not valid JSON', { cause });
  }
  if (root === undefined) throw new StoreFormatError(io.path, 'no zarr.json: not a feature store, or not finalized (run finalizeFeatureStore)');
  const manifest = root.attributes?.[MANIFEST_ATTR] as FeatureStoreManifest | undefined;
  if (manifest === undefined || typeof manifest.schemaVersion !== 'number') {
    throw new StoreFormatError(io.path, `zarr.json has no '${MANIFEST_ATTR}' manifest attribute: not a finalized feature store`);
  }
  if (manifest.schemaVersion > SCHEMA_VERSION) {
    throw new StoreFormatError(io.path, `written by schema version ${manifest.schemaVersion}; this dualxda reads up to ${SCHEMA_VERSION} (upgrade dualxda)`);
  }
  const names = manifest.arrays ?? ['features', 'labels', 'ids', 'norms'];
  const spec: BuildSpec = {
    ...manifest,
    tokenOffsets: names.includes('token_offsets'),
    texts: names.includes('texts'),
    logitsDim: manifest.logitsDim ?? 0,
    // zstd decoding does not depend on the level.
    compressionLevel: 1,
    codec: manifest.codec ?? 'zstd',
  };
  const arrays = new Map(arraySpecs(spec).map((a) => [a.name, a]));
  const idType = manifest.idType ?? 'string';
  const sidecars = new Map<number, Promise<ChunkSidecar>>();
  const chunks = chunkCount(spec);

  function sidecar(k: number): Promise<ChunkSidecar> {
    let p = sidecars.get(k);
    if (p === undefined) {
      p = readSidecar(io, k).then((s) => {
        if (s === undefined) throw new ChunkError(io.path, 'checksums', k, `checksums/${k}.json`, 'missing', 'no checksum sidecar');
        return s;
      });
      // A failed read is not cached, so a repaired store can be re-read.
      p.catch(() => sidecars.delete(k));
      sidecars.set(k, p);
    }
    return p;
  }

  async function array(name: string, k: number, scratch?: Scratch): Promise<DecodedArray> {
    const a = arrays.get(name);
    if (a === undefined) throw new StoreFormatError(io.path, `store has no '${name}' array`);
    if (!Number.isSafeInteger(k) || k < 0 || k >= chunks) throw new InvalidInputError(io.path, 'chunk', `index ${k} out of range [0, ${chunks})`);
    const key = chunkKey(a, k);
    const bytes = await readVerified(io, name, k, key, (await sidecar(k)).arrays[name], verify, scratch);
    return decodeArrayChunk(io.path, spec, a, k, key, bytes, idType);
  }

  async function features(k: number, scratch?: Scratch): Promise<Float32Array> {
    const raw = await array('features', k, scratch);
    if (spec.dtype === 'float32') return raw as Float32Array;
    const out = new Float32Array(spec.chunkRows * spec.dim);
    if (spec.dtype === 'float16') {
      const table = halfToFloatTable();
      const h = raw as Uint16Array;
      for (let i = 0; i < h.length; i++) out[i] = table[h[i]];
      return out;
    }
    const q = raw as Int8Array;
    const scales = (await array('scales', k)) as Float32Array;
    const d = spec.dim;
    for (let r = 0; r < spec.chunkRows; r++) {
      const s = scales[r];
      for (let j = r * d, e = j + d; j < e; j++) out[j] = q[j] * s;
    }
    return out;
  }

  function dtypeOf(a: ArraySpec): ArraySpec['dtype'] {
    return a.name === 'ids' ? idType : a.dtype;
  }

  function partial(name: string): boolean {
    const a = arrays.get(name);
    return io.getRange !== undefined && a !== undefined && chunkCodec(spec, dtypeOf(a)) === 'raw';
  }

  async function rowsOf(name: string, k: number, local: readonly number[]): Promise<Exclude<DecodedArray, string[]>[]> {
    const a = arrays.get(name);
    if (a === undefined) throw new StoreFormatError(io.path, `store has no '${name}' array`);
    const dtype = dtypeOf(a);
    if (dtype === 'string') throw new StoreFormatError(io.path, `'${name}' holds strings, not numbers`);
    if (!partial(name)) {
      const whole = (await array(name, k)) as Exclude<DecodedArray, string[]>;
      return local.map((r) => whole.subarray(r * a.width, (r + 1) * a.width));
    }
    const key = chunkKey(a, k);
    const digest = (await sidecar(k)).arrays[name];
    const rowBytes = a.width * (dtype === 'int8' ? 1 : dtype === 'float16' ? 2 : dtype === 'int64' ? 8 : 4);
    // Neighbouring rows share checksum blocks: read each run of overlapping blocks once.
    const out = new Array<Exclude<DecodedArray, string[]>>(local.length);
    let i = 0;
    while (i < local.length) {
      let j = i + 1;
      const blockBytes = digest?.blockBytes ?? Infinity;
      while (j < local.length && Math.floor((local[j] * rowBytes) / blockBytes) <= Math.floor(((local[j - 1] + 1) * rowBytes) / blockBytes)) j++;
      const { bytes, start } = await readVerifiedRange(io, name, k, key, digest, local[i] * rowBytes, (local[j - 1] + 1) * rowBytes, verify);
      for (let t = i; t < j; t++) out[t] = typedView(dtype, bytes, local[t] * rowBytes - start, a.width);
      i = j;
    }
    return out;
  }

  function checkRange(start: number, end: number, what: string): void {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > spec.rows) {
      throw new InvalidInputError(io.path, what, `row range [${start}, ${end}) is outside [0, ${spec.rows}]`);
    }
  }

  return { io, spec, manifest, arrays, array, features, rowsOf, partial, checkRange };
}
