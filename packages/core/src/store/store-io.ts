import type { AbsolutePath, AsyncReadable, AsyncWritable } from '@zarrita/storage';
import { isHttpUrl, openHttpStore, ReadOnlyStoreError } from './http-store.js';

/**
 * The byte-level view of a store that the feature store needs. A filesystem path gets atomic
 * writes (temp file + rename in the same directory); an http(s) URL is read-only (GETs of a static
 * file server); any zarrita-compatible store object (S3, in-memory `Map`) is used through its own
 * `get`/`set`, whose atomicity is the store's.
 */
export interface StoreIO {
  /** Human-readable location, used in every error message. */
  readonly path: string;
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Bytes [offset, offset + length) of `key` (fewer when the file is shorter) and the file's whole
   * size, in one positional read; undefined when absent. Filesystem stores only: others read whole files.
   */
  getRange?(key: string, offset: number, length: number, into?: Uint8Array): Promise<{ bytes: Uint8Array; size: number } | undefined>;
  /**
   * Writes `bytes` so that readers see either the old or the whole new value. `sync: false` skips
   * the fsync before the rename (the caller syncs later with `sync`, and checksums catch a file
   * a crash left torn).
   */
  put(key: string, bytes: Uint8Array, options?: { sync?: boolean }): Promise<void>;
  /** Flushes the named files to disk (filesystem stores; others are as durable as their `set`). */
  sync?(keys: readonly string[]): Promise<void>;
  /** Removes leftover temp files from killed writers (filesystem stores only). */
  sweepTemp?(): Promise<number>;
  /** File names directly under `dir` (temp files excluded); [] when it does not exist. Stores that cannot list omit it. */
  list?(dir: string): Promise<string[]>;
  /** Deletes `dir` and everything under it (build scratch such as shard markers). */
  remove?(dir: string): Promise<void>;
  /** Creates `key` only if it does not exist (O_EXCL, also on NFS v3+); false when it exists. */
  createExclusive?(key: string, bytes: Uint8Array): Promise<boolean>;
}

/** Anything zarrita can read (and, for writers, write): `FileSystemStore`, `FetchStore`, a `Map`... */
export type ZarrStoreLike = AsyncReadable | (AsyncReadable & AsyncWritable) | Map<string, Uint8Array>;

/** A path or a zarrita-compatible store object. */
export type StoreTarget = string | ZarrStoreLike;

const TEMP_MARK = '.tmp-';

function toAbsolute(key: string): AbsolutePath {
  return (key.startsWith('/') ? key : `/${key}`) as AbsolutePath;
}

function fromStore(store: ZarrStoreLike, path: string): StoreIO {
  if (store instanceof Map) {
    return {
      path,
      // A copy, so that a reader's raw (uncompressed) chunk views never alias the stored bytes.
      get: async (key) => (store.get(toAbsolute(key)) ?? store.get(key.replace(/^\//, '')))?.slice(),
      put: async (key, bytes) => void store.set(toAbsolute(key), bytes.slice()),
      list: async (dir) => {
        const prefix = toAbsolute(`${dir.replace(/\/$/, '')}/`);
        const names: string[] = [];
        for (const key of store.keys()) {
          const k = toAbsolute(key);
          if (k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) names.push(k.slice(prefix.length));
        }
        return names.sort();
      },
      remove: async (dir) => {
        const prefix = toAbsolute(`${dir.replace(/\/$/, '')}/`);
        for (const key of [...store.keys()]) if (toAbsolute(key).startsWith(prefix)) store.delete(key);
      },
    };
  }
  return {
    path,
    get: async (key) => {
      const v = await store.get(toAbsolute(key));
      return v === undefined ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    },
    put: async (key, bytes) => {
      if (!('set' in store) || typeof store.set !== 'function') throw new ReadOnlyStoreError(path);
      await store.set(toAbsolute(key), bytes);
    },
  };
}

async function fromPath(root: string): Promise<StoreIO> {
  // Loaded lazily so that browser bundles importing @dualxda/core never touch node builtins.
  const fs = await import('node:fs/promises');
  const cbfs = await import('node:fs');
  const nodePath = await import('node:path');
  const full = (key: string) => nodePath.join(root, key.replace(/^\//, ''));
  // pid alone repeats across the nodes of a cluster sharing the store (NFS, Lustre); the random tag
  // keeps two hosts' temp files apart even when both write the same key (the identical build spec).
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let counter = 0;
  /**
   * Reads into `into` when it is large enough (callers that only hash the bytes reuse one buffer),
   * else into a new buffer. Callback fs calls chained under one promise: FileHandle's promise API
   * costs several times more main-thread time per call, which dominates a gather of a few rows.
   */
  function readRange(key: string, offset: number, length: number, into?: Uint8Array): Promise<{ bytes: Uint8Array; size: number } | undefined> {
    return new Promise((resolve, reject) => {
      cbfs.open(full(key), 'r', (openErr, fd) => {
        if (openErr) return openErr.code === 'ENOENT' ? resolve(undefined) : reject(openErr);
        const finish = (err: Error | null, value?: { bytes: Uint8Array; size: number }) => cbfs.close(fd, (closeErr) => (err ?? closeErr ? reject(err ?? closeErr) : resolve(value)));
        cbfs.fstat(fd, (statErr, st) => {
          if (statErr) return finish(statErr);
          const n = Math.max(0, Math.min(length, st.size - offset));
          // Not zero-filled: every byte is read over (a short read is cut off below). Zero-filling
          // a 12 MB chunk costs 4x the read itself.
          const bytes = into !== undefined && into.byteLength >= n ? into.subarray(0, n) : new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
          const step = (got: number): void => {
            if (got >= n) return finish(null, { bytes, size: st.size });
            cbfs.read(fd, bytes, got, n - got, offset + got, (readErr, bytesRead) => {
              if (readErr) return finish(readErr);
              if (bytesRead === 0) return finish(null, { bytes: bytes.subarray(0, got), size: st.size });
              step(got + bytesRead);
            });
          };
          step(0);
        });
      });
    });
  }
  return {
    path: root,
    // One positional read of the whole file (readFile would make ~25 round trips for a 12 MB chunk).
    get: async (key) => (await readRange(key, 0, Number.MAX_SAFE_INTEGER))?.bytes,
    getRange: readRange,
    async put(key, bytes, options) {
      const target = full(key);
      const dir = nodePath.dirname(target);
      await fs.mkdir(dir, { recursive: true });
      // The temp file sits in the target's own directory: rename is atomic only within one
      // directory on NFS. pid + random tag + counter keep concurrent writers (shards on any host,
      // retries) from sharing a temp name.
      const tmp = nodePath.join(dir, `${TEMP_MARK}${tag}-${counter++}-${nodePath.basename(target)}`);
      const handle = await fs.open(tmp, 'w');
      try {
        await handle.writeFile(bytes);
        if (options?.sync !== false) await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    },
    async sync(keys) {
      // In turn, so a sync holds one I/O thread at a time.
      for (const key of keys) {
        const handle = await fs.open(full(key), 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    },
    async sweepTemp() {
      let removed = 0;
      const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isFile() || !e.name.startsWith(TEMP_MARK)) continue;
        await fs.rm(nodePath.join(e.parentPath, e.name), { force: true });
        removed++;
      }
      return removed;
    },
    async list(dir) {
      const entries = await fs.readdir(full(dir), { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile() && !e.name.startsWith(TEMP_MARK)).map((e) => e.name).sort();
    },
    async remove(dir) {
      await fs.rm(full(dir), { recursive: true, force: true });
    },
    async createExclusive(key, bytes) {
      const target = full(key);
      await fs.mkdir(nodePath.dirname(target), { recursive: true });
      try {
        await fs.writeFile(target, bytes, { flag: 'wx' });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    },
  };
}

function isFileSystemStore(store: ZarrStoreLike): store is ZarrStoreLike & { root: string } {
  // @zarrita/storage's FileSystemStore keeps its directory in `root`; route it through the atomic path writer.
  return !(store instanceof Map) && typeof (store as { root?: unknown }).root === 'string' && store.constructor?.name === 'FileSystemStore';
}

/**
 * Opens the byte-level view of `target`.
 *
 * @example
 * const io = await openStoreIO('/data/features.zarr');
 * await io.put('zarr.json', bytes); // atomic on the filesystem
 * const remote = await openStoreIO('http://127.0.0.1:8000/features.zarr');
 * await remote.get('zarr.json'); // undefined on 404; remote.put throws ReadOnlyStoreError
 */
export async function openStoreIO(target: StoreTarget): Promise<StoreIO> {
  if (typeof target === 'string' && isHttpUrl(target)) return fromStore(openHttpStore(target), target.replace(/\/+$/, ''));
  if (typeof target === 'string') return fromPath(target);
  if (isFileSystemStore(target)) return fromPath(target.root);
  const url = (target as unknown as { url?: unknown }).url;
  return fromStore(target, url === undefined ? '<store>' : String(url));
}

/** Encodes a JSON document deterministically (2-space indent, trailing newline). */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and parses a JSON key, or undefined when absent. */
export async function readJson<T>(io: StoreIO, key: string): Promise<T | undefined> {
  const bytes = await io.get(key);
  if (bytes === undefined) return undefined;
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

/**
 * Reads one file of a store (a path or an http(s) URL) as bytes; undefined when it is absent (ENOENT
 * or HTTP 404). For the side files the CLI keeps next to the data (`dualxda-run.json`,
 * `dualda/collapse.json`), so they are found the same way over HTTP as on disk.
 *
 * @example
 * const bytes = await readStoreKey('http://127.0.0.1:8000/train.zarr', 'dualxda-run.json');
 */
export async function readStoreKey(location: string, key: string): Promise<Uint8Array | undefined> {
  return (await openStoreIO(location)).get(key);
}
