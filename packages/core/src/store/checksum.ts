import { isDualxdaError } from '../errors.js';
import { ChunkError } from './errors.js';
import type { StoreIO } from './store-io.js';
import { jsonBytes, readJson } from './store-io.js';
import { sidecarKey } from './layout.js';

/** Size and SHA-256 of one chunk file. */
export interface ChunkDigest {
  bytes: number;
  sha256: string;
}

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

export async function digestOf(bytes: Uint8Array): Promise<ChunkDigest> {
  return { bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

export function readSidecar(io: StoreIO, k: number): Promise<ChunkSidecar | undefined> {
  // A torn or unreadable sidecar means "chunk not complete"; an HTTP failure (5xx, refused) does
  // not, and must reach the user with its URL and status instead of reading as a missing chunk.
  return readJson<ChunkSidecar>(io, sidecarKey(k)).catch((err: unknown) => {
    if (isDualxdaError(err, 'StoreHttpError')) throw err;
    return undefined;
  });
}

export function writeSidecar(io: StoreIO, sidecar: ChunkSidecar): Promise<void> {
  return io.put(sidecarKey(sidecar.chunk), jsonBytes(sidecar));
}

/** Reads one chunk file and checks it against its digest; throws ChunkError naming the chunk. */
export async function readVerified(io: StoreIO, array: string, k: number, key: string, digest: ChunkDigest | undefined, verify = true): Promise<Uint8Array> {
  if (digest === undefined) throw new ChunkError(io.path, array, k, key, 'missing', 'no checksum recorded');
  const bytes = await io.get(key);
  if (bytes === undefined) throw new ChunkError(io.path, array, k, key, 'missing');
  if (bytes.byteLength !== digest.bytes) throw new ChunkError(io.path, array, k, key, 'truncated', `${bytes.byteLength} bytes, expected ${digest.bytes}`);
  if (verify) {
    const got = await sha256Hex(bytes);
    if (got !== digest.sha256) throw new ChunkError(io.path, array, k, key, 'checksum', `sha256 ${got.slice(0, 16)}..., its sidecar checksums/${k}.json says ${digest.sha256.slice(0, 16)}...`);
  }
  return bytes;
}
