/**
 * Computed XDA pairs on disk, so a restart (or a second server on the same store) does not redo
 * seconds of relevance passes. One file per pair, named by a hash of (model version, key); each
 * file holds its key, version and the sha256 of its payload and is verified on every read: a
 * torn, edited or foreign file is a miss (recomputed and rewritten), never served. Writes are
 * atomic (temp file + rename in the same directory); the directory is capped by size, oldest
 * mtime evicted first (a hit refreshes the mtime: LRU).
 */
import { checkpointWeightFiles } from '../lib/file-hash.js';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { XdaPair } from '@dualxda/core';

/** Cache location and identity. */
export interface XdaDiskCacheOptions {
  dir: string;
  /** Model version (dualda pointer target, model attributes, checkpoint): part of every key. */
  version: string;
  /** Size cap in bytes. @default 200 MB */
  maxBytes?: number;
  /** Told once when the directory cannot be written (read-only store): the cache then stays off. */
  warn?: (line: string) => void;
}

/** Documented defaults. */
export const DEFAULT_XDA_DISK_CACHE_OPTIONS = { maxBytes: 200 * 1024 * 1024 } as const;

/** Folder of the cache inside a training store. */
export const XDA_CACHE_DIR = join('dualda', 'xda-cache');

/** A disk cache of pairs by key. */
export interface XdaDiskCache {
  read(key: string): Promise<XdaPair | undefined>;
  write(key: string, pair: XdaPair): Promise<void>;
  /** The file a key is stored in (tests damage it). */
  fileOf(key: string): string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The model version of a local training store: the target of the `dualda` pointer (a new fit
 * points elsewhere), the model group's attributes and the checkpoint's weights file identity.
 */
export async function xdaModelVersion(store: string, modelDir: string | undefined): Promise<string> {
  const target = await readlink(join(store, 'dualda')).catch(() => '');
  const attrs = await readFile(join(store, 'dualda', 'zarr.json'), 'utf8').catch(() => '');
  // Size and mtime of every weights file (single or sharded): a re-saved checkpoint is a new version.
  const files = modelDir === undefined ? [] : await checkpointWeightFiles(modelDir);
  const ids = await Promise.all(files.map(async (f) => stat(f).then((s) => [f, s.size, s.mtimeMs], () => [f, 0, 0])));
  return sha256(JSON.stringify([target, sha256(attrs), modelDir ?? '', ids]));
}

/**
 * Opens (lazily creates) the cache directory.
 *
 * @example
 * const cache = createXdaDiskCache({ dir: join(store, XDA_CACHE_DIR), version: await xdaModelVersion(store, ckpt) });
 * await cache.write('4:17:1:', pair);
 */
export function createXdaDiskCache(options: XdaDiskCacheOptions): XdaDiskCache {
  const { dir, version } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_XDA_DISK_CACHE_OPTIONS.maxBytes;
  let disabled = false;
  let writes = 0;
  const fileOf = (key: string): string => join(dir, `${sha256(`${version}\n${key}`).slice(0, 40)}.json`);
  const evict = async (): Promise<void> => {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    const files = (await Promise.all(names.map(async (n) => ({ path: join(dir, n), st: await stat(join(dir, n)).catch(() => undefined) })))).filter((f) => f.st !== undefined);
    let total = files.reduce((s, f) => s + (f.st?.size ?? 0), 0);
    files.sort((a, b) => (a.st?.mtimeMs ?? 0) - (b.st?.mtimeMs ?? 0));
    for (const f of files) {
      if (total <= maxBytes) break;
      await unlink(f.path).catch(() => undefined);
      total -= f.st?.size ?? 0;
    }
  };
  return {
    fileOf,
    async read(key) {
      const path = fileOf(key);
      let parsed: { key?: unknown; version?: unknown; sha256?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
      } catch {
        return undefined;
      }
      const payload = typeof parsed.payload === 'string' ? parsed.payload : undefined;
      if (parsed.key !== key || parsed.version !== version || payload === undefined || parsed.sha256 !== sha256(payload)) return undefined;
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return JSON.parse(payload) as XdaPair;
    },
    async write(key, pair) {
      if (disabled) return;
      const path = fileOf(key);
      const payload = JSON.stringify(pair);
      const tmp = `${path}.${process.pid}.${writes++}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(tmp, JSON.stringify({ key, version, sha256: sha256(payload), payload }));
        await rename(tmp, path);
        await evict();
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        disabled = true;
        options.warn?.(`XDA disk cache off: cannot write ${dir} (${err instanceof Error ? err.message : String(err)}); pairs are kept in memory only`);
      }
    },
  };
}
