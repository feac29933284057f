import { ChunkError } from './errors.js';
import type { ArrayDType, ArraySpec, BuildSpec, StoreCodec } from './layout.js';
import { chunkCodec } from './layout.js';
import { decodeVlenUtf8, encodeVlenUtf8, halfToFloatTable, toHalfBits, typedBytes, zstdCodec } from './codec.js';

/** One row-chunk as the writer buffers it (always full chunk size; rows past `filled` are padding). */
export interface ChunkBuffer {
  features: Float32Array;
  labels: Int32Array;
  ids: (string | number | bigint)[];
  tokenOffsets?: Int32Array;
  texts?: string[];
  logits?: Float32Array;
}

export function allocChunkBuffer(spec: BuildSpec): ChunkBuffer {
  const c = spec.chunkRows;
  return {
    features: new Float32Array(c * spec.dim),
    labels: new Int32Array(c),
    ids: new Array<string | number | bigint>(c).fill(''),
    tokenOffsets: spec.tokenOffsets ? new Int32Array(2 * c) : undefined,
    texts: spec.texts ? new Array<string>(c).fill('') : undefined,
    logits: spec.logitsDim > 0 ? new Float32Array(c * spec.logitsDim) : undefined,
  };
}

/** Zeroes the padding rows [filled, chunkRows) so a short last chunk encodes deterministically. */
export function clearTail(buf: ChunkBuffer, spec: BuildSpec, filled: number): void {
  buf.features.fill(0, filled * spec.dim);
  buf.labels.fill(0, filled);
  buf.ids.fill('', filled);
  buf.tokenOffsets?.fill(0, 2 * filled);
  buf.texts?.fill('', filled);
  buf.logits?.fill(0, filled * spec.logitsDim);
}

const INT_RE = /^-?(0|[1-9][0-9]*)$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** The id as int64 when it is an integer that round-trips through its decimal string, else undefined. */
export function idAsInt64(id: string | number | bigint): bigint | undefined {
  let v: bigint;
  if (typeof id === 'bigint') v = id;
  else if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) return undefined;
    v = BigInt(id);
  } else {
    if (!INT_RE.test(id) || id === '-0') return undefined;
    v = BigInt(id);
  }
  return v >= I64_MIN && v <= I64_MAX ? v : undefined;
}

/** Encodes ids as int64 when every real row's id is an integer, else as strings (padding rows included). */
export function encodeIds(ids: readonly (string | number | bigint)[], filled: number): { idType: 'int64' | 'string'; raw: Uint8Array } {
  const ints = new BigInt64Array(ids.length);
  for (let i = 0; i < filled; i++) {
    const v = idAsInt64(ids[i]);
    if (v === undefined) return { idType: 'string', raw: encodeVlenUtf8(ids.map((x, j) => (j < filled ? String(x) : ''))) };
    ints[i] = v;
  }
  return { idType: 'int64', raw: typedBytes(ints) };
}

/** Stored features plus the norms (and int8 scales) computed from the values as stored. */
function encodeFeatures(spec: BuildSpec, f: Float32Array): { raw: Uint8Array; norms: Float32Array; scales?: Float32Array } {
  const c = spec.chunkRows;
  const d = spec.dim;
  const norms = new Float32Array(c);
  if (spec.dtype === 'float32') {
    for (let r = 0; r < c; r++) {
      let s = 0;
      for (let j = r * d, e = j + d; j < e; j++) s += f[j] * f[j];
      norms[r] = Math.sqrt(s);
    }
    return { raw: typedBytes(f), norms };
  }
  if (spec.dtype === 'float16') {
    const h = new Uint16Array(f.length);
    const table = halfToFloatTable();
    for (let r = 0; r < c; r++) {
      let s = 0;
      for (let j = r * d, e = j + d; j < e; j++) {
        const bits = toHalfBits(f[j]);
        h[j] = bits;
        s += table[bits] * table[bits];
      }
      norms[r] = Math.sqrt(s);
    }
    return { raw: typedBytes(h), norms };
  }
  const q = new Int8Array(f.length);
  const scales = new Float32Array(c);
  for (let r = 0; r < c; r++) {
    let m = 0;
    for (let j = r * d, e = j + d; j < e; j++) m = Math.max(m, Math.abs(f[j]));
    const scale = Math.fround(m / 127);
    scales[r] = scale;
    let s = 0;
    for (let j = r * d, e = j + d; j < e; j++) {
      const v = scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(f[j] / scale)));
      q[j] = v;
      s += v * scale * (v * scale);
    }
    norms[r] = Math.sqrt(s);
  }
  return { raw: typedBytes(q), norms, scales };
}

/** One encoded chunk file and how it is coded. */
export interface EncodedFile {
  bytes: Uint8Array;
  codec: StoreCodec;
}

/**
 * Encodes row-chunk buffers into chunk files, keyed by array name. Raw files are views of `buf`
 * (no copy): the caller must not refill `buf` before the files are written.
 */
export async function encodeChunk(spec: BuildSpec, buf: ChunkBuffer, filled: number): Promise<{ files: Map<string, EncodedFile>; idType: 'int64' | 'string' }> {
  const feats = encodeFeatures(spec, buf.features);
  const ids = encodeIds(buf.ids, filled);
  const raw = new Map<string, [Uint8Array, ArrayDType]>();
  raw.set('features', [feats.raw, spec.dtype]);
  if (feats.scales) raw.set('scales', [typedBytes(feats.scales), 'float32']);
  raw.set('labels', [typedBytes(buf.labels), 'int32']);
  raw.set('ids', [ids.raw, ids.idType]);
  raw.set('norms', [typedBytes(feats.norms), 'float32']);
  if (buf.tokenOffsets) raw.set('token_offsets', [typedBytes(buf.tokenOffsets), 'int32']);
  if (buf.texts) raw.set('texts', [encodeVlenUtf8(buf.texts), 'string']);
  if (buf.logits) raw.set('logits', [typedBytes(buf.logits), 'float32']);
  const files = new Map<string, EncodedFile>();
  for (const [name, [bytes, dtype]] of raw) {
    const codec = chunkCodec(spec, dtype);
    files.set(name, { bytes: codec === 'raw' ? bytes : await (await zstdCodec(spec.compressionLevel)).encode(bytes), codec });
  }
  return { files, idType: ids.idType };
}

const VIEW_TYPES = { float32: Float32Array, float16: Uint16Array, int8: Int8Array, int32: Int32Array, int64: BigInt64Array } as const;

/** `count` elements of raw `dtype` data at `bytes[offset]`, as a view when aligned, else a copy. */
export function typedView(dtype: Exclude<ArrayDType, 'string'>, bytes: Uint8Array, offset: number, count: number): Exclude<DecodedArray, string[]> {
  const Ctor = VIEW_TYPES[dtype];
  const at = bytes.byteOffset + offset;
  if (at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, at, count);
  return new Ctor(bytes.slice(offset, offset + count * Ctor.BYTES_PER_ELEMENT).buffer);
}

/** A decoded chunk of one array. */
export type DecodedArray = Float32Array | Int32Array | BigInt64Array | Int8Array | Uint16Array | string[];

/** Decompresses and decodes one verified chunk file; throws ChunkError('decode') on failure. */
export async function decodeArrayChunk(path: string, spec: BuildSpec, a: ArraySpec, k: number, key: string, bytes: Uint8Array, idType: 'int64' | 'string'): Promise<DecodedArray> {
  try {
    const dtype = a.name === 'ids' ? idType : a.dtype;
    const raw = chunkCodec(spec, dtype) === 'raw' ? bytes : await (await zstdCodec(spec.compressionLevel)).decode(bytes);
    const expected = spec.chunkRows * a.width;
    let out: DecodedArray;
    if (dtype === 'string') out = decodeVlenUtf8(raw);
    else {
      const size = VIEW_TYPES[dtype].BYTES_PER_ELEMENT;
      if (raw.byteLength % size !== 0) throw new Error(`${raw.byteLength} bytes is not a whole number of ${dtype} elements`);
      // A view of bytes the caller does not own alone (a Map store's value) would let edits of the
      // returned rows reach the store: copy those.
      const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
      out = typedView(dtype, own ? raw : raw.slice(), 0, raw.byteLength / size);
    }
    if (out.length !== expected) throw new Error(`decoded ${out.length} elements, expected ${expected}`);
    return out;
  } catch (cause) {
    throw new ChunkError(path, a.name, k, key, 'decode', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
