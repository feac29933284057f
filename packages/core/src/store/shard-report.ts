import { chunksToRanges } from './errors.js';
import type { BuildSpec } from './layout.js';
import { chunkCount, shardChunks } from './layout.js';
import type { ShardMarker, ShardReport } from './shard-marker.js';
import { processIsGone, readShardMarkers } from './shard-marker.js';
import type { StoreIO } from './store-io.js';

/** A chunk that failed `checkChunk`: not written, or present but invalid. */
export interface ChunkFailure {
  chunk: number;
  written: boolean;
  problem: string;
}

function rangeText(chunks: number[], spec: BuildSpec): string {
  return chunksToRanges(chunks, spec.chunkRows, spec.rows)
    .map((r) => `${r.start}-${r.end - 1}`)
    .join(', ');
}

async function describe(r: Omit<ShardReport, 'state' | 'detail'>, total: number, spec: BuildSpec): Promise<Pick<ShardReport, 'state' | 'detail'>> {
  const m = r.marker;
  const bad = r.missingChunks.length + r.invalid.length;
  const done = total - bad;
  const missing = r.missingChunks.length > 0 ? `rows ${rangeText(r.missingChunks, spec)} not written` : '';
  const invalid = r.invalid.length > 0 ? `${r.invalid.slice(0, 3).join('; ')}${r.invalid.length > 3 ? `; ${r.invalid.length - 3} more` : ''}` : '';
  const what = [missing, invalid].filter((s) => s !== '').join('; ');
  if (bad === 0) return { state: 'complete', detail: `complete (${total} chunks)` };
  if (m === null) return { state: 'never-started', detail: `never started (no marker): ${what}` };
  const who = `${m.host} pid ${m.pid}, started ${m.startedAt}`;
  if (m.finishedAt !== null && m.complete) {
    return { state: 'stale', detail: `finished ${m.finishedAt} (${who}) but its output changed since: ${what}; rerun the shard` };
  }
  if (m.finishedAt !== null) return { state: 'unfinished', detail: `exited ${m.finishedAt} (${who}) with ${done} of ${total} chunks: ${what}` };
  if (await processIsGone(m)) return { state: 'died', detail: `died (${who}; that process is gone) after ${done} of ${total} chunks: ${what}` };
  return { state: 'running', detail: `no finish record (${who}): still running, or killed, after ${done} of ${total} chunks so far: ${what}` };
}

/** The shard count the report uses: the caller's, else that of the newest marker. */
function shardCount(markers: ShardMarker[], requested: number | undefined): number | null {
  if (requested !== undefined) return requested;
  let newest: ShardMarker | null = null;
  for (const m of markers) if (newest === null || m.startedAt > newest.startedAt) newest = m;
  return newest?.count ?? null;
}

/**
 * Per-shard status of an unfinalized store: which shards never started, died, are still running,
 * exited early, or finished but whose chunks have since gone bad (stale). Markers of a run with
 * another shard count are ignored. Returns [] when no shard count is known (no markers, none given).
 */
export async function reportShards(io: StoreIO, spec: BuildSpec, failures: ChunkFailure[], shards?: number): Promise<ShardReport[]> {
  const markers = await readShardMarkers(io);
  const count = shardCount(markers, shards);
  if (count === null) return [];
  const byChunk = new Map(failures.map((f) => [f.chunk, f]));
  const chunks = chunkCount(spec);
  const out: ShardReport[] = [];
  for (let i = 0; i < count; i++) {
    const { first, last } = shardChunks(chunks, i, count);
    const missingChunks: number[] = [];
    const invalid: string[] = [];
    for (let k = first; k < last; k++) {
      const f = byChunk.get(k);
      if (f === undefined) continue;
      if (f.written) invalid.push(f.problem);
      else missingChunks.push(k);
    }
    const marker = markers.find((m) => m.index === i && m.count === count) ?? null;
    const rows = { start: Math.min(spec.rows, first * spec.chunkRows), end: Math.min(spec.rows, last * spec.chunkRows) };
    const base = { index: i, count, rows, missingChunks, invalid, marker };
    out.push({ ...base, ...(await describe(base, last - first, spec)) });
  }
  return out;
}
