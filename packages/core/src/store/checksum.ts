import { isDualxdaError } from '../errors.js';
import { ChunkError } from './errors.js';
import type { StoreIO } from './store-io.js';
import { jsonBytes, readJson } from './store-io.js';
import { sidecarKey } from './layout.js';

/**
 * Size and SHA-256 of one chunk file: of the whole file (`sha256`, zstd chunks and schema-1
 * stores), or of each `blockBytes`-long piece (`blocks`, raw chunks), so a reader of a few rows
 * verifies just the blocks it read.
 */
export interface ChunkDigest {
  bytes: number;
  sha256?: string;
  blockBytes?: number;
  blocks?: string[];
}

/** Checksum block of raw chunk files: 64 KiB keeps a random row's read small and hashes at ~95% of whole-file speed. */
export const CHECKSUM_BLOCK_BYTES = 65536;

/** Sidecar of row-chunk k: digests of every array's chunk file; written last, so it marks completion. */
export interface ChunkSidecar {
  chunk: number;
  start: number;
  end: number;
  /** How this chunk stores ids; finalize unifies all chunks to one type. */
  idType: 'int64' | 'string';
  arrays: Record<string, ChunkDigest>;
}

let nodeSha256: ((bytes: Uint8Array) => string) | null | undefined;

/**
 * SHA-256 hex digest. Uses node:crypto when present (synchronous and ~8x faster than WebCrypto for
 * 10 MB chunks), else WebCrypto, so the same code runs in browsers.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (nodeSha256 === undefined) {
    try {
      const { createHash } = await import('node:crypto');
      nodeSha256 = (b) => createHash('sha256').update(b).digest('hex');
    } catch {
      nodeSha256 = null;
    }
  }
  if (nodeSha256) return nodeSha256(bytes);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (let i = 0; i < digest.length; i++) hex += digest[i].toString(16).padStart(2, '0');
  return hex;
}

/** Whole-file digest (zstd chunks, model arrays). */
export async function digestOf(bytes: Uint8Array): Promise<ChunkDigest & { sha256: string }> {
  return { bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

/** Per-block digest of a raw chunk file (see ChunkDigest). */
export async function blockDigestOf(bytes: Uint8Array, blockBytes = CHECKSUM_BLOCK_BYTES): Promise<ChunkDigest> {
  const blocks = new Array<string>(Math.ceil(bytes.byteLength / blockBytes));
  for (let b = 0; b < blocks.length; b++) blocks[b] = await sha256Hex(bytes.subarray(b * blockBytes, (b + 1) * blockBytes));
  return { bytes: bytes.byteLength, blockBytes, blocks };
}

/** Byte range [start, end) of a chunk file to read so that [from, to) can be verified: whole blocks, or the whole file. */
export function verifiableRange(digest: ChunkDigest, from: number, to: number): { start: number; end: number } {
  const b = digest.blockBytes;
  if (digest.blocks === undefined || b === undefined) return { start: 0, end: digest.bytes };
  return { start: Math.floor(from / b) * b, end: Math.min(digest.bytes, Math.ceil(to / b) * b) };
}

/** Why `bytes` (the file's bytes [start, start + length)) do not match `digest`, or undefined when they do. */
async function mismatch(bytes: Uint8Array, start: number, digest: ChunkDigest, sidecar: string): Promise<string | undefined> {
  if (digest.blocks !== undefined && digest.blockBytes !== undefined) {
    const b = digest.blockBytes;
    for (let off = 0; off < bytes.byteLength; off += b) {
      const i = (start + off) / b;
      const got = await sha256Hex(bytes.subarray(off, off + b));
      if (got !== digest.blocks[i]) return `sha256 of bytes [${start + off}, ${Math.min(start + off + b, digest.bytes)}) is ${got.slice(0, 16)}..., its sidecar ${sidecar} says ${String(digest.blocks[i]).slice(0, 16)}...`;
    }
    return undefined;
  }
  const got = await sha256Hex(bytes);
  return got === digest.sha256 ? undefined : `sha256 ${got.slice(0, 16)}..., its sidecar ${sidecar} says ${String(digest.sha256).slice(0, 16)}...`;
}

export function readSidecar(io: StoreIO, k: number): Promise<ChunkSidecar | undefined> {
  // A torn or unreadable sidecar means "chunk not complete"; an HTTP failure (5xx, refused) does
  // not, and must reach the user with its URL and status instead of reading as a missing chunk.
  return readJson<ChunkSidecar>(io, sidecarKey(k)).catch((err: unknown) => {
    if (isDualxdaError(err, 'StoreHttpError')) throw err;
    return undefined;
  });
}

export function writeSidecar(io: StoreIO, sidecar: ChunkSidecar, options?: { sync?: boolean }): Promise<void> {
  return io.put(sidecarKey(sidecar.chunk), jsonBytes(sidecar), options);
}

/** A buffer reused by reads whose bytes are only checked (finalize, resume): fresh 12 MB buffers cost more in page faults than the read. */
export interface Scratch {
  bytes?: Uint8Array;
}

/**
 * Reads one chunk file and checks it against its digest; throws ChunkError naming the chunk. With
 * `scratch`, the bytes land in (and are only valid until the next read into) that buffer.
 */
export async function readVerified(io: StoreIO, array: string, k: number, key: string, digest: ChunkDigest | undefined, verify = true, scratch?: Scratch): Promise<Uint8Array> {
  if (digest === undefined) throw new ChunkError(io.path, array, k, key, 'missing', 'no checksum recorded');
  let bytes: Uint8Array | undefined;
  if (scratch !== undefined && io.getRange !== undefined) {
    if ((scratch.bytes?.byteLength ?? -1) < digest.bytes) scratch.bytes = new Uint8Array(digest.bytes);
    const got = await io.getRange(key, 0, digest.bytes + 1, scratch.bytes);
    if (got !== undefined && got.size !== digest.bytes) throw new ChunkError(io.path, array, k, key, 'truncated', `${got.size} bytes, expected ${digest.bytes}`);
    bytes = got?.bytes;
  } else bytes = await io.get(key);
  if (bytes === undefined) throw new ChunkError(io.path, array, k, key, 'missing');
  if (bytes.byteLength !== digest.bytes) throw new ChunkError(io.path, array, k, key, 'truncated', `${bytes.byteLength} bytes, expected ${digest.bytes}`);
  const bad = verify ? await mismatch(bytes, 0, digest, sidecarKey(k)) : undefined;
  if (bad !== undefined) throw new ChunkError(io.path, array, k, key, 'checksum', bad);
  return bytes;
}

/**
 * Reads bytes [from, to) of one chunk file, verified: with positional reads of the covering
 * checksum blocks where the store and the digest allow it, else the whole file. The file's size is
 * checked either way, so a truncated file is never used. Returns the bytes and their file offset
 * (a whole-block range, at least [from, to)).
 */
export async function readVerifiedRange(io: StoreIO, array: string, k: number, key: string, digest: ChunkDigest | undefined, from: number, to: number, verify = true): Promise<{ bytes: Uint8Array; start: number }> {
  if (digest === undefined) throw new ChunkError(io.path, array, k, key, 'missing', 'no checksum recorded');
  const range = verifiableRange(digest, from, to);
  if (io.getRange === undefined || (range.start === 0 && range.end === digest.bytes)) return { bytes: await readVerified(io, array, k, key, digest, verify), start: 0 };
  const got = await io.getRange(key, range.start, range.end - range.start);
  if (got === undefined) throw new ChunkError(io.path, array, k, key, 'missing');
  if (got.size !== digest.bytes) throw new ChunkError(io.path, array, k, key, 'truncated', `${got.size} bytes, expected ${digest.bytes}`);
  const bad = verify ? await mismatch(got.bytes, range.start, digest, sidecarKey(k)) : undefined;
  if (bad !== undefined) throw new ChunkError(io.path, array, k, key, 'checksum', bad);
  return { bytes: got.bytes, start: range.start };
}
