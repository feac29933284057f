import { registry } from 'zarrita';

/**
 * Chunk byte codecs: raw little-endian arrays or vlen-utf8 strings, then zstd (the codec zarrita
 * ships, loaded through its registry so encode and decode match what zarrita reads).
 */

interface BytesCodec {
  encode(data: Uint8Array): Promise<Uint8Array>;
  decode(data: Uint8Array): Promise<Uint8Array>;
}

const zstdCache = new Map<number, Promise<BytesCodec>>();

/** The zstd codec at `level`, loaded once per level. */
export function zstdCodec(level: number): Promise<BytesCodec> {
  let codec = zstdCache.get(level);
  if (codec === undefined) {
    const loader = registry.get('zstd');
    if (loader === undefined) throw new Error('zarrita registry has no zstd codec');
    codec = loader().then((Ctor) => (Ctor as unknown as { fromConfig(c: { level: number }): BytesCodec }).fromConfig({ level }));
    zstdCache.set(level, codec);
  }
  return codec;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Raw bytes of a typed array (the Zarr `bytes` codec, little endian). */
export function typedBytes(a: ArrayBufferView): Uint8Array {
  // Every platform Node and browsers run on is little endian; refuse rather than write wrong bytes.
  if (!LITTLE_ENDIAN) throw new Error('big-endian platforms are not supported');
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Views `bytes` as `Ctor`, copying only when they do not own their (aligned) buffer. */
export function viewAs<T>(bytes: Uint8Array, Ctor: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return new Ctor(bytes.buffer);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Ctor(copy.buffer);
}

/** Zarr v3 `vlen-utf8`: u32 count, then per item a u32 byte length and the UTF-8 bytes. */
export function encodeVlenUtf8(items: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = items.map((s) => enc.encode(s));
  let total = 4;
  for (const p of parts) total += 4 + p.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, items.length, true);
  let pos = 4;
  for (const p of parts) {
    view.setUint32(pos, p.byteLength, true);
    out.set(p, pos + 4);
    pos += 4 + p.byteLength;
  }
  return out;
}

/** Inverse of `encodeVlenUtf8`; throws on a malformed buffer. */
export function decodeVlenUtf8(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder();
  const n = view.getUint32(0, true);
  const out = new Array<string>(n);
  let pos = 4;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(pos, true);
    if (pos + 4 + len > bytes.byteLength) throw new Error(`vlen-utf8 item ${i} overruns the buffer`);
    out[i] = dec.decode(bytes.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return out;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** float32 -> IEEE half bits, round to nearest even; overflow goes to infinity. */
export function toHalfBits(x: number): number {
  F32[0] = x;
  const f = U32[0];
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  let mant = f & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

let halfTable: Float32Array | undefined;

/** Lookup table half bits -> float32 (256 KiB, built on first use). */
export function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  halfTable = t;
  return t;
}
