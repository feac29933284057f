import type { Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors, type SafetensorsTensor } from '@dualxda/core';
import { ModelLoadError } from '../errors.js';

/** Reads larger than this go in pieces (one `read` call is limited to 2 GiB). */
const MAX_READ = 1 << 30;
/** A header past this is not a safetensors file (HF caps it at 100 MB). */
const MAX_HEADER = 100 * 1024 * 1024;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads one `.safetensors` file tensor by tensor through a file handle, so neither the 2 GiB limit
 * of `readFile` nor a whole-file copy in memory applies (a 0.5B-parameter float32 checkpoint is a
 * ~2 GB single file). Each tensor's bytes go through core's `parseSafetensors` (as a one-tensor
 * file), which decodes F16/BF16/F64 to float32. Every byte of the file, in order, is fed to `hash`,
 * so the digest equals the sha256 of the file.
 *
 * @throws ModelLoadError naming `file`: missing/unreadable, malformed header, offsets past the end.
 * @example
 * const hash = createHash('sha256');
 * const weights = await readSafetensorsFile('/abs/model', 'model.safetensors', hash);
 */
export async function readSafetensorsFile(dir: string, file: string, hash: Hash): Promise<Map<string, SafetensorsTensor>> {
  const path = join(dir, file);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ModelLoadError(dir, file, code === 'ENOENT' ? 'file is missing' : `cannot be read (${code ?? String(cause)})`, { cause });
  }
  try {
    const size = (await fh.stat()).size;
    const bad = (msg: string): ModelLoadError => new ModelLoadError(dir, file, msg);
    if (size < 8) throw bad('file shorter than the 8-byte header length');
    const lenBytes = await readAt(fh, new Uint8Array(8), 0);
    const headerLen = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
    if (headerLen > size - 8 || headerLen > MAX_HEADER) throw bad(`header length ${headerLen} exceeds the file size (${size} bytes)`);
    const headerBytes = await readAt(fh, new Uint8Array(headerLen), 8);
    hash.update(lenBytes).update(headerBytes);
    const entries = parseHeader(headerBytes, bad);
    const base = 8 + headerLen;
    const out = new Map<string, SafetensorsTensor>();
    let pos = 0; // data-section bytes hashed so far
    for (const e of entries) {
      if (e.begin < pos) throw bad(`tensor ${e.name}: data_offsets [${e.begin}, ${e.end}] overlap another tensor`);
      if (base + e.end > size) throw bad(`tensor ${e.name}: data_offsets [${e.begin}, ${e.end}] run past the end of the file`);
      if (e.begin > pos) hash.update(await readAt(fh, new Uint8Array(e.begin - pos), base + pos));
      // A one-tensor safetensors file around the bytes, so core does the dtype checks and decoding.
      const mini = new TextEncoder().encode(JSON.stringify({ [e.name]: { dtype: e.dtype, shape: e.shape, data_offsets: [0, e.end - e.begin] } }));
      const buf = new Uint8Array(8 + mini.length + (e.end - e.begin));
      new DataView(buf.buffer).setBigUint64(0, BigInt(mini.length), true);
      buf.set(mini, 8);
      const data = await readAt(fh, buf.subarray(8 + mini.length), base + e.begin);
      hash.update(data);
      try {
        for (const [name, t] of parseSafetensors(buf, path)) out.set(name, t);
      } catch (cause) {
        throw new ModelLoadError(dir, file, String((cause as Error).message ?? cause), { cause });
      }
      pos = e.end;
    }
    if (base + pos < size) hash.update(await readAt(fh, new Uint8Array(size - base - pos), base + pos));
    return out;
  } finally {
    await fh.close();
  }
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
