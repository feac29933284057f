import type { RowRange } from './errors.js';
import type { StoreIO } from './store-io.js';
import { jsonBytes, readJson } from './store-io.js';

/** Directory of shard markers: build scratch, removed by a successful finalize. */
export const SHARD_DIR = 'shards';

/**
 * What one shard writer recorded about itself: written when it starts and again when it closes,
 * so `finalize` can tell a shard that never ran from one that died or one whose output changed.
 */
export interface ShardMarker {
  index: number;
  count: number;
  /** Rows this shard owns. */
  rows: RowRange;
  host: string;
  pid: number;
  startedAt: string;
  /** Null while running (or after a kill). */
  finishedAt: string | null;
  chunksWritten: number;
  chunksSkipped: number;
  /** Every chunk of the shard was complete when it closed. */
  complete: boolean;
}

/** Where a shard stands, as `finalize` reports it. */
export type ShardState = 'complete' | 'never-started' | 'running' | 'died' | 'unfinished' | 'stale';

/** One line of the shard report that `IncompleteStoreError` carries. */
export interface ShardReport {
  index: number;
  count: number;
  rows: RowRange;
  state: ShardState;
  /** Chunks of this shard that are not written. */
  missingChunks: number[];
  /** Chunks present but failing verification (torn, corrupt, from another build). */
  invalid: string[];
  marker: ShardMarker | null;
  /** One human line. */
  detail: string;
}

export function shardMarkerKey(index: number, count: number): string {
  return `${SHARD_DIR}/${index}-of-${count}.json`;
}

/** Host name and pid of this process (node only; 'unknown' elsewhere). */
export async function thisProcess(): Promise<{ host: string; pid: number }> {
  const proc = (globalThis as { process?: { pid?: number; versions?: { node?: string } } }).process;
  if (proc?.versions?.node === undefined) return { host: 'unknown', pid: 0 };
  const os = await import('node:os');
  return { host: os.hostname(), pid: proc.pid ?? 0 };
}

export async function writeShardMarker(io: StoreIO, marker: ShardMarker): Promise<void> {
  await io.put(shardMarkerKey(marker.index, marker.count), jsonBytes(marker));
}

/** Every readable marker of the store (unreadable ones are skipped: they only feed a report). */
export async function readShardMarkers(io: StoreIO): Promise<ShardMarker[]> {
  const names = (await io.list?.(SHARD_DIR)) ?? [];
  const out: ShardMarker[] = [];
  for (const name of names) {
    if (!/^\d+-of-\d+\.json$/.test(name)) continue;
    const m = await readJson<ShardMarker>(io, `${SHARD_DIR}/${name}`).catch(() => undefined);
    if (m !== undefined && Number.isInteger(m.index) && Number.isInteger(m.count)) out.push(m);
  }
  return out;
}

/** True when `pid` on this host is gone (or a zombie); false when alive or unknowable. */
export async function processIsGone(marker: ShardMarker): Promise<boolean> {
  const me = await thisProcess();
  if (me.host === 'unknown' || marker.host !== me.host || marker.pid <= 0) return false;
  const fs = await import('node:fs/promises');
  try {
    const status = await fs.readFile(`/proc/${marker.pid}/status`, 'utf8');
    return /^State:\s+Z/m.test(status);
  } catch {
    try {
      process.kill(marker.pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
