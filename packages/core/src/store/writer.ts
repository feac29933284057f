import type { ChunkDigest } from './checksum.js';
import { blockDigestOf, digestOf, writeSidecar } from './checksum.js';
import type { ChunkBuffer } from './chunk-codec.js';
import { allocChunkBuffer, clearTail, encodeChunk } from './chunk-codec.js';
import type { RowRange } from './errors.js';
import { chunksToRanges, InvalidInputError, StoreFormatError } from './errors.js';
import type { BuildSpec } from './layout.js';
import { arraySpecs, BUILD_SPEC_KEY, chunkCount, chunkKey, schemaVersionOf, shardChunks, sidecarKey } from './layout.js';
import { validateBatch } from './row-batch.js';
import type { ShardMarker } from './shard-marker.js';
import { acquireShardLock } from './lock.js';
import { thisProcess, writeShardMarker } from './shard-marker.js';
import type { StoreTarget } from './store-io.js';
import { jsonBytes, openStoreIO, readJson } from './store-io.js';
import type { RowBatch } from './types.js';
import { checkChunk } from './verify.js';
import type { FeatureStoreWriterOptions } from './writer-options.js';
import { resolveFeatureStoreWriterOptions } from './writer-options.js';

/** What one writer (one shard) did. */
export interface FeatureStoreWriteSummary {
  /** Row range this shard owns. */
  range: RowRange;
  chunksWritten: number;
  /** Chunks found complete and valid from an earlier run (resume). */
  chunksSkipped: number;
  /** True when every chunk of this shard is now complete. */
  complete: boolean;
  /** Row ranges of this shard still missing. */
  missing: RowRange[];
}

/** Streaming writer of one shard; holds at most two chunks per array in memory (one filling, one being written). */
export interface FeatureStoreWriter {
  readonly path: string;
  readonly spec: BuildSpec;
  /** Rows this shard owns: batches start at `range.start` and continue in order. */
  readonly range: RowRange;
  /** Store row the next appended row lands on. */
  readonly cursor: number;
  /** Row ranges of this shard still to be written (complete chunks from earlier runs excluded). */
  missingRanges(): RowRange[];
  /** Jumps forward to a chunk boundary, or into a complete chunk (e.g. past chunks `missingRanges` says are done). */
  seek(row: number): void;
  append(batch: RowBatch): Promise<void>;
  write(batches: AsyncIterable<RowBatch> | Iterable<RowBatch>): Promise<void>;
  close(): Promise<FeatureStoreWriteSummary>;
}

/** Records `spec` in a new store, or checks it against the one the store was started with; returns the spec to write with. */
async function claimSpec(io: Awaited<ReturnType<typeof openStoreIO>>, wanted: BuildSpec, codecGiven: boolean): Promise<BuildSpec> {
  const existing = await readJson<BuildSpec>(io, BUILD_SPEC_KEY).catch((cause: unknown) => {
    throw new StoreFormatError(io.path, `${BUILD_SPEC_KEY} is not valid JSON`, { cause });
  });
  if (existing === undefined) {
    // Every shard writes the same bytes, so concurrent first writes are harmless.
    await io.put(BUILD_SPEC_KEY, jsonBytes(wanted));
    return wanted;
  }
  // A store started before codecs were an option is zstd; resuming it without naming a codec keeps its codec.
  const codec = codecGiven ? (wanted.codec ?? 'zstd') : (existing.codec ?? 'zstd');
  const spec: BuildSpec = { ...wanted, codec, schemaVersion: schemaVersionOf(codec) };
  if (codec !== (existing.codec ?? 'zstd')) {
    throw new StoreFormatError(io.path, `store was started with codec '${existing.codec ?? 'zstd'}', this writer asks for '${codec}'; resume without the codec option, or use another path`);
  }
  if (existing.codec === undefined) delete spec.codec;
  for (const key of new Set([...Object.keys(existing), ...Object.keys(spec)])) {
    const a = JSON.stringify((existing as unknown as Record<string, unknown>)[key]);
    const b = JSON.stringify((spec as unknown as Record<string, unknown>)[key]);
    if (a !== b) throw new StoreFormatError(io.path, `store was started with ${key}=${a}, this writer has ${key}=${b}; use another path or the same options`);
  }
  return spec;
}

/**
 * Creates (or resumes) the writer of one shard. Shard i of N owns a contiguous, chunk-aligned row
 * range; chunks already complete and valid are skipped, so a killed worker restarts where it
 * died. Run `finalizeFeatureStore` once after every shard closed.
 *
 * @example
 * const w = await createFeatureStoreWriter('feats.zarr', { rows: 10_000, dim: 768, classNames: ['neg', 'pos'] });
 * await w.write(batches); // AsyncIterable<RowBatch>
 * await w.close();
 * await finalizeFeatureStore('feats.zarr');
 */
export async function createFeatureStoreWriter(target: StoreTarget, options: FeatureStoreWriterOptions): Promise<FeatureStoreWriter> {
  const resolved = resolveFeatureStoreWriterOptions(options);
  const { shard, verifyExisting } = resolved;
  const io = await openStoreIO(target);
  const spec = await claimSpec(io, resolved.spec, resolved.codecGiven);
  const c = spec.chunkRows;
  const { first, last } = shardChunks(chunkCount(spec), shard.index, shard.count);
  const range: RowRange = { start: Math.min(spec.rows, first * c), end: Math.min(spec.rows, last * c) };
  const done = new Set<number>();
  const scratch = {};
  for (let k = first; k < last; k++) if ((await checkChunk(io, spec, k, verifyExisting, scratch)).ok) done.add(k);
  const skipped = done.size;
  const unlock = await acquireShardLock(io, shard.index, shard.count);
  const me = await thisProcess();
  const marker: ShardMarker = { index: shard.index, count: shard.count, rows: range, ...me, startedAt: new Date().toISOString(), finishedAt: null, chunksWritten: 0, chunksSkipped: skipped, complete: false };
  await writeShardMarker(io, marker);
  const specs = arraySpecs(spec);
  // Two chunk buffers: one fills while the other's files are written (raw chunk files are views of it).
  const spare: ChunkBuffer[] = [];
  let buf: ChunkBuffer | undefined;
  let cursor = range.start;
  let filled = 0;
  let written = 0;
  // The previous chunk's writes: at most one chunk is being written while the next one fills.
  let inflight: Promise<void> = Promise.resolve();
  // Background fsyncs of written chunks, one after another; close waits for them before it reports the shard complete.
  let synced: Promise<void> = Promise.resolve();
  const source = `${io.path} (shard ${shard.index}/${shard.count})`;

  /**
   * Queues an fsync of `keys` after the ones before it: one at a time, since each holds an I/O
   * thread until the disk is done and the next chunk's writes need the others. Kept out of
   * flush's scope so that a pending sync does not keep that chunk's encoded files alive.
   */
  function scheduleSync(keys: string[]): void {
    if (io.sync === undefined) return;
    const sync = io.sync.bind(io);
    synced = synced.then(() => sync(keys));
    synced.catch(() => undefined);
  }

  /** Encodes and hashes chunk k here, then writes its files (in parallel, off this thread) while the caller goes on. */
  async function flush(k: number): Promise<void> {
    if (buf === undefined) return;
    const full = buf;
    buf = undefined;
    clearTail(full, spec, filled);
    const { files, idType } = await encodeChunk(spec, full, filled);
    const arrays: Record<string, ChunkDigest> = {};
    for (const a of specs) {
      const f = files.get(a.name) as { bytes: Uint8Array; codec: string };
      arrays[a.name] = f.codec === 'raw' ? await blockDigestOf(f.bytes) : await digestOf(f.bytes);
    }
    await inflight;
    const start = k * c;
    const io$ = (async () => {
      // No fsync per file: that would make each chunk wait for the disk. The chunk's files are
      // synced in the background (awaited by close); until then a crash can only leave files the
      // sidecar checksums reject, which resume rewrites.
      await Promise.all(specs.map((a) => io.put(chunkKey(a, k), (files.get(a.name) as { bytes: Uint8Array }).bytes, { sync: false })));
      // The sidecar goes last: it marks the chunk complete.
      await writeSidecar(io, { chunk: k, start, end: Math.min(spec.rows, start + c), idType, arrays }, { sync: false });
      spare.push(full);
      scheduleSync([...specs.map((a) => chunkKey(a, k)), sidecarKey(k)]);
    })();
    // Counted as written now: a failed write is thrown by the next append or by close.
    done.add(k);
    written++;
    // Reported when awaited (next flush or close); never an unhandled rejection meanwhile.
    io$.catch(() => undefined);
    inflight = io$;
    filled = 0;
    // zstd chunks are new copies, and compressing dominates: overlapping their writes would only
    // hold one more chunk in memory.
    if (spec.codec !== 'raw') await io$;
  }

  function copyRows(batch: RowBatch, from: number, count: number): void {
    buf ??= spare.pop() ?? allocChunkBuffer(spec);
    const d = spec.dim;
    buf.features.set(batch.features.subarray(from * d, (from + count) * d), filled * d);
    for (let i = 0; i < count; i++) {
      buf.labels[filled + i] = batch.labels[from + i];
      buf.ids[filled + i] = batch.ids[from + i];
      if (buf.texts && batch.texts) buf.texts[filled + i] = batch.texts[from + i];
    }
    if (buf.tokenOffsets && batch.tokenOffsets) buf.tokenOffsets.set(batch.tokenOffsets.subarray(2 * from, 2 * (from + count)), 2 * filled);
    if (buf.logits && batch.logits) {
      const kd = spec.logitsDim;
      buf.logits.set(batch.logits.subarray(from * kd, (from + count) * kd), filled * kd);
    }
  }

  const writer: FeatureStoreWriter = {
    path: io.path,
    spec,
    range,
    get cursor() {
      return cursor;
    },
    missingRanges() {
      const missing: number[] = [];
      for (let k = first; k < last; k++) if (!done.has(k)) missing.push(k);
      return chunksToRanges(missing, c, spec.rows);
    },
    seek(row) {
      // Mid-chunk targets are fine inside a chunk already complete: its rows are never copied.
      const aligned = row % c === 0 || row === range.end || done.has(Math.floor(row / c));
      if (!Number.isSafeInteger(row) || row < cursor || row > range.end || !aligned) {
        throw new InvalidInputError(source, 'seek', `row ${row} must be a chunk boundary (or inside a complete chunk) in [${cursor}, ${range.end}]`);
      }
      if (filled > 0 && row !== cursor) throw new InvalidInputError(source, 'seek', `${filled} buffered rows of the current chunk would be lost`);
      cursor = row;
    },
    async append(batch) {
      const n = validateBatch(spec, batch, cursor, source);
      if (cursor + n > range.end) {
        throw new InvalidInputError(source, 'rows', `batch of ${n} rows at row ${cursor} runs past this shard's end row ${range.end}`);
      }
      let from = 0;
      while (from < n) {
        const k = Math.floor(cursor / c);
        const chunkEnd = Math.min(spec.rows, (k + 1) * c);
        const take = Math.min(n - from, chunkEnd - cursor);
        if (!done.has(k)) copyRows(batch, from, take);
        if (!done.has(k)) filled += take;
        from += take;
        cursor += take;
        if (cursor === chunkEnd) {
          if (!done.has(k)) await flush(k);
          filled = 0;
        }
      }
    },
    async write(batches) {
      for await (const b of batches) await writer.append(b);
    },
    async close() {
      buf = undefined;
      await inflight;
      await synced;
      const missing = writer.missingRanges();
      await writeShardMarker(io, { ...marker, finishedAt: new Date().toISOString(), chunksWritten: written, complete: missing.length === 0 });
      await unlock();
      return { range, chunksWritten: written, chunksSkipped: skipped, complete: missing.length === 0, missing };
    },
  };
  return writer;
}
