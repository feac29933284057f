import type { Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from '../errors.js';

/** Reads larger than this go in pieces (one `read` call is limited to 2 GiB). */
export const MAX_READ = 1 << 30;
/** A header past this is not a safetensors file (HF caps it at 100 MB). */
const MAX_HEADER = 100 * 1024 * 1024;
/** The hash pass reads the file in pieces this large: a 2 GB checkpoint never sits in memory whole. */
const HASH_CHUNK = 8 << 20;
/**
 * Bytes per element of the dtypes core's `parseSafetensors` decodes (the same table): checked at
 * load, so a broken header fails there and not at the first `get` of the tensor.
 */
const DTYPE_BYTES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1, I8: 1, BOOL: 1 };

/** What identifies a weight file's content as loaded: a later read refuses a file that changed. */
export interface WeightFileStamp {
  /** Folder and file name (relative), as errors name them. */
  dir: string;
  file: string;
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** Where one tensor's bytes lie in its file. */
export interface TensorLocation {
  source: WeightFileStamp;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file (the data section's base already added). */
  begin: number;
  end: number;
}

export const stampOf = (dir: string, file: string, s: Stats): WeightFileStamp => ({ dir, file, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, dev: s.dev });

/** Why `now` is not the file stamped at load, or null when it is the same file. */
export function stampChange(then: WeightFileStamp, now: Stats): string | null {
  if (now.size !== then.size) return `its size changed from ${then.size} to ${now.size} bytes`;
  if (now.mtimeMs !== then.mtimeMs) return `it was modified at ${new Date(now.mtimeMs).toISOString()} (loaded as of ${new Date(then.mtimeMs).toISOString()})`;
  if (now.ino !== then.ino || now.dev !== then.dev) return 'it was replaced by another file';
  return null;
}

/**
 * Indexes one `.safetensors` file without decoding it: the header's tensors (dtype, shape, byte
 * range, checked against the dtype and the file size) and the file's stamp. Every byte of the
 * file, in order, is fed to `hash` in 8 MiB pieces, so the digest equals the sha256 of the file
 * while at most one piece is in memory.
 *
 * @throws ModelLoadError naming `file`: missing/unreadable, malformed header, unsupported dtype,
 *   offsets that overlap or run past the end, a file that changed while it was hashed.
 * @example
 * const hash = createHash('sha256');
 * const tensors = await indexSafetensorsFile('/abs/model', 'model.safetensors', hash);
 * tensors.get('score.weight')?.shape; // [3, 32]
 */
export async function indexSafetensorsFile(dir: string, file: string, hash: Hash): Promise<Map<string, TensorLocation>> {
  let fh: FileHandle;
  try {
    fh = await open(join(dir, file), 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ModelLoadError(dir, file, code === 'ENOENT' ? 'file is missing' : `cannot be read (${code ?? String(cause)})`, { cause });
  }
  try {
    const source = stampOf(dir, file, await fh.stat());
    const size = source.size;
    const bad = (msg: string): ModelLoadError => new ModelLoadError(dir, file, msg);
    if (size < 8) throw bad('file shorter than the 8-byte header length');
    const lenBytes = await readAt(fh, new Uint8Array(8), 0);
    const headerLen = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
    if (headerLen > size - 8 || headerLen > MAX_HEADER) throw bad(`header length ${headerLen} exceeds the file size (${size} bytes)`);
    const entries = parseHeader(await readAt(fh, new Uint8Array(headerLen), 8), bad);
    const base = 8 + headerLen;
    const out = new Map<string, TensorLocation>();
    let pos = 0;
    for (const e of entries) {
      if (e.begin < pos) throw bad(`tensor ${e.name}: data_offsets [${e.begin}, ${e.end}] overlap another tensor`);
      if (base + e.end > size) throw bad(`tensor ${e.name}: data_offsets [${e.begin}, ${e.end}] run past the end of the file`);
      const width = DTYPE_BYTES[e.dtype];
      if (width === undefined) throw bad(`tensor ${e.name}: unsupported dtype ${e.dtype}`);
      const count = e.shape.reduce((a, b) => a * b, 1);
      if (e.end - e.begin !== count * width) throw bad(`tensor ${e.name}: data_offsets [${e.begin}, ${e.end}] do not match shape [${e.shape.join(', ')}] of ${e.dtype}`);
      out.set(e.name, { source, dtype: e.dtype, shape: e.shape, begin: base + e.begin, end: base + e.end });
      pos = e.end;
    }
    const piece = new Uint8Array(Math.min(HASH_CHUNK, size));
    for (let at = 0; at < size; at += piece.length) {
      const n = Math.min(piece.length, size - at);
      hash.update(await readAt(fh, piece.subarray(0, n), at));
    }
    // A file rewritten while it was hashed would give a digest of neither version.
    const change = stampChange(source, await fh.stat());
    if (change !== null) throw bad(`changed while it was being read (${change}); load the checkpoint again`);
    return out;
  } finally {
    await fh.close();
  }
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(bytes: Uint8Array, bad: (msg: string) => ModelLoadError): Entry[] {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw bad(`header is not valid JSON (${String(cause)})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw bad('header is not a JSON object');
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offs = e.data_offsets;
    const ok =
      typeof e.dtype === 'string' &&
      Array.isArray(e.shape) &&
      e.shape.every((s) => Number.isInteger(s) && (s as number) >= 0) &&
      Array.isArray(offs) &&
      offs.length === 2 &&
      offs.every((o) => Number.isInteger(o) && (o as number) >= 0) &&
      (offs[0] as number) <= (offs[1] as number);
    if (!ok) throw bad(`tensor ${name}: header entry needs dtype, shape and data_offsets [begin, end]`);
    entries.push({ name, dtype: e.dtype as string, shape: e.shape as number[], begin: offs[0] as number, end: offs[1] as number });
  }
  return entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
}

/** Fills `target` from `position`, in reads of at most 1 GiB; fails on a short file. */
async function readAt(fh: FileHandle, target: Uint8Array, position: number): Promise<Uint8Array> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, Math.min(MAX_READ, target.length - done), position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return target;
}
