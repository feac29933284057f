import type { AbsolutePath, AsyncReadable, AsyncWritable } from '@zarrita/storage';

/**
 * The byte-level view of a store that the feature store needs. A filesystem path gets atomic
 * writes (temp file + rename in the same directory); any zarrita-compatible store object (S3,
 * HTTP, in-memory `Map`) is used through its own `get`/`set`, whose atomicity is the store's.
 */
export interface StoreIO {
  /** Human-readable location, used in every error message. */
  readonly path: string;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Writes `bytes` so that readers see either the old or the whole new value. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Removes leftover temp files from killed writers (filesystem stores only). */
  sweepTemp?(): Promise<number>;
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
      get: async (key) => store.get(toAbsolute(key)) ?? store.get(key.replace(/^\//, '')),
      put: async (key, bytes) => void store.set(toAbsolute(key), bytes.slice()),
    };
  }
  return {
    path,
    get: async (key) => {
      const v = await store.get(toAbsolute(key));
      return v === undefined ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    },
    put: async (key, bytes) => {
      if (!('set' in store) || typeof store.set !== 'function') throw new Error(`${path}: store is read-only (no set method)`);
      await store.set(toAbsolute(key), bytes);
    },
  };
}

async function fromPath(root: string): Promise<StoreIO> {
  // Loaded lazily so that browser bundles importing @dualxda/core never touch node builtins.
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  const full = (key: string) => nodePath.join(root, key.replace(/^\//, ''));
  let counter = 0;
  return {
    path: root,
    async get(key) {
      try {
        const buf = await fs.readFile(full(key));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async put(key, bytes) {
      const target = full(key);
      const dir = nodePath.dirname(target);
      await fs.mkdir(dir, { recursive: true });
      // pid + counter keep concurrent writers (shards, retries) from sharing a temp name.
      const tmp = nodePath.join(dir, `${TEMP_MARK}${process.pid}-${counter++}-${nodePath.basename(target)}`);
      const handle = await fs.open(tmp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
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
 */
export async function openStoreIO(target: StoreTarget): Promise<StoreIO> {
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
