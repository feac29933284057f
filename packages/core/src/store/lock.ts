import { StoreLockedError } from './errors.js';
import type { ShardMarker } from './shard-marker.js';
import { processIsGone, thisProcess } from './shard-marker.js';
import type { StoreIO } from './store-io.js';
import { jsonBytes, readJson } from './store-io.js';

interface LockBody {
  host: string;
  pid: number;
  since: string;
}

/**
 * Takes an exclusive lock file `key` of the store (created with O_EXCL, which NFS v3+ honours), so
 * two writers of the same thing cannot interleave. A lock is stale, and taken over, when its
 * process on this host is gone (kill -9, OOM) or is this very process (a retry in the same
 * process); a lock of another host cannot be checked and is refused with the file to delete.
 * Stores without exclusive create (object stores) are not locked. Returns the release function.
 */
export async function acquireStoreLock(io: StoreIO, key: string, what: string): Promise<() => Promise<void>> {
  const create = io.createExclusive?.bind(io);
  if (create === undefined) return async () => undefined;
  const me = await thisProcess();
  const body = jsonBytes({ ...me, since: new Date().toISOString() } satisfies LockBody);
  const release = async () => io.remove?.(key);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(key, body)) return release;
    const held = await readJson<LockBody>(io, key).catch(() => undefined);
    // A lock file caught between its creation and its write reads as empty: look again.
    if (held === undefined) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const mine = held.host === me.host && held.pid === me.pid;
    if (mine || (await processIsGone({ host: held.host, pid: held.pid } as ShardMarker))) {
      await io.remove?.(key);
      continue;
    }
    const where = held.host === me.host ? `pid ${held.pid} on this host` : `pid ${held.pid} on host ${held.host}`;
    throw new StoreLockedError(io.path, key, `${what} is being written by ${where} since ${held.since}; wait for it, or if that job is dead (e.g. its node failed) delete ${io.path}/${key} and rerun`);
  }
  throw new StoreLockedError(io.path, key, `could not take the lock ${key} of ${what} (another writer keeps recreating it)`);
}

/** The writer lock of shard i/N (`shards/i-of-N.lock`). */
export function acquireShardLock(io: StoreIO, index: number, count: number): Promise<() => Promise<void>> {
  return acquireStoreLock(io, `shards/${index}-of-${count}.lock`, `shard ${index}/${count}`);
}
