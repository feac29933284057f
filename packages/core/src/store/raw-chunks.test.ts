import FileSystemStore from '@zarrita/storage/fs';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import { CHECKSUM_BLOCK_BYTES } from './checksum.js';
import { openFeatureStore } from './feature-store.js';
import { finalizeFeatureStore } from './finalize.js';
import { syntheticBatches, syntheticRow } from './test-data.js';
import { tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';
import type { FeatureStoreWriterOptions } from './writer-options.js';

/**
 * Raw (uncompressed) chunks and their per-block checksums (schema 2), next to zstd chunks (schema
 * 1, the layout every older dualxda reads). Rows are 768 float32 = 3 KiB, so a 256-row chunk spans
 * 12 checksum blocks and some rows straddle two.
 */
const ROWS = 600;
const DIM = 768;
const CHUNK = 256;
const ROW_BYTES = DIM * 4;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function build(path: string, opts: Partial<FeatureStoreWriterOptions> = {}, upTo = ROWS, id = (r: number): string | number => r * 3) {
  const w = await createFeatureStoreWriter(path, { rows: ROWS, dim: DIM, chunkRows: CHUNK, classNames: ['a', 'b', 'c'], tokenOffsets: true, ...opts });
  await w.write(syntheticBatches(0, upTo, { dim: DIM, batchRows: 100, tokenOffsets: true, id }));
  await w.close();
  return upTo === ROWS ? finalizeFeatureStore(path, { createdAt: '2026-01-01T00:00:00.000Z' }) : undefined;
}

const row = (r: number) => {
  const out = new Float32Array(DIM);
  syntheticRow(r, DIM, out, 0);
  return Array.from(out);
};
const json = async <T = Record<string, unknown>>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;

async function error(p: Promise<unknown>): Promise<Error & { problem?: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDualxdaError(err, 'ChunkError'), String(err)).toBe(true);
  return err as Error & { problem?: string };
}

describe('raw chunks (the default)', () => {
  it('write schema 2: bytes-only Zarr codecs, one sha256 per 64 KiB block, and zarrita reads them', async () => {
    const manifest = await build(dir);
    expect(manifest).toMatchObject({ schemaVersion: 2, codec: 'raw' });
    expect((await json(join(dir, 'features', 'zarr.json'))).codecs).toEqual([{ name: 'bytes', configuration: { endian: 'little' } }]);
    const sidecar = await json<{ arrays: Record<string, { bytes: number; blockBytes: number; blocks: string[]; sha256?: string }> }>(join(dir, 'checksums', '0.json'));
    const f = sidecar.arrays.features as { blocks: string[]; sha256?: string };
    expect(f).toMatchObject({ bytes: CHUNK * ROW_BYTES, blockBytes: CHECKSUM_BLOCK_BYTES });
    expect(f.blocks).toHaveLength(Math.ceil((CHUNK * ROW_BYTES) / CHECKSUM_BLOCK_BYTES));
    expect(f.sha256).toBeUndefined();
    const arr = await zarr.open(zarr.root(new FileSystemStore(dir)).resolve('features'), { kind: 'array' });
    expect(Array.from((await zarr.get(arr, [zarr.slice(21, 22), null])).data as Float32Array)).toEqual(row(21));
  });

  it('gather and readRows return the rows written, including rows that straddle two checksum blocks', async () => {
    await build(dir);
    const store = await openFeatureStore(dir);
    // Row 21 spans bytes [64512, 67584): blocks 0 and 1. Row 599 is in the short last chunk.
    const idx = [21, 599, 0, 21, 300, 255, 256];
    const g = await store.gatherRows(idx);
    idx.forEach((r, i) => expect(Array.from(g.features.subarray(i * DIM, (i + 1) * DIM)), `row ${r}`).toEqual(row(r)));
    expect(g.ids).toEqual(idx.map((r) => String(r * 3)));
    expect(Array.from(g.labels)).toEqual(idx.map((r) => r % 3));
    expect(g.norms[1]).toBeCloseTo(Math.hypot(...row(599)), 3);
    expect(Array.from(g.tokenOffsets ?? []).slice(2, 4)).toEqual([59, 9]);
    const block = await store.readRows(250, 262);
    expect(Array.from(block.features.subarray(11 * DIM))).toEqual(row(261));
    const whole = await store.readChunk(1);
    expect(Array.from(whole.features.subarray(44 * DIM, 45 * DIM))).toEqual(row(300));
  });

  it('gathers string ids (zstd vlen chunks, read whole) next to raw rows', async () => {
    expect(await build(dir, {}, ROWS, (r) => `row-${r}`)).toMatchObject({ idType: 'string', codec: 'raw' });
    const g = await (await openFeatureStore(dir)).gatherRows([599, 21]);
    expect(g.ids).toEqual(['row-599', 'row-21']);
    expect(Array.from(g.features.subarray(DIM))).toEqual(row(21));
  });

  it('iterChunks with reuseBuffers yields the same rows, reading later chunks into earlier blocks\' memory', async () => {
    await build(dir, { chunkRows: 64 });
    const store = await openFeatureStore(dir);
    const buffers: ArrayBufferLike[] = [];
    for await (const b of store.iterChunks({ reuseBuffers: true })) {
      for (const r of [0, b.rows - 1]) expect(Array.from(b.features.subarray(r * DIM, (r + 1) * DIM)), `row ${b.start + r}`).toEqual(row(b.start + r));
      buffers.push(b.features.buffer);
    }
    expect(buffers).toHaveLength(store.chunkCount);
    // Two chunks are read ahead, so chunk k lands in chunk k-3's buffer; without the option every chunk has its own.
    expect(buffers[3]).toBe(buffers[0]);
    expect(new Set(buffers).size).toBe(3);
    const own: ArrayBufferLike[] = [];
    for await (const b of store.iterChunks()) own.push(b.features.buffer);
    expect(new Set(own).size).toBe(store.chunkCount);
  });

  it('a flipped byte fails the reads of its block (never returned), while rows of intact blocks still verify', async () => {
    await build(dir);
    const file = join(dir, 'features', 'c', '0', '0');
    const bytes = await readFile(file);
    const at = 5 * CHECKSUM_BLOCK_BYTES + 100;
    bytes[at] = (bytes[at] as number) ^ 0x55;
    await writeFile(file, bytes);
    const store = await openFeatureStore(dir);
    const hit = Math.floor(at / ROW_BYTES);
    const err = await error(store.gatherRows([hit]));
    expect(err.problem).toBe('checksum');
    expect(err.message).toContain(`chunk 0 of array 'features' (features/c/0/0) fails its checksum (corrupted): sha256 of bytes [${5 * CHECKSUM_BLOCK_BYTES}, ${6 * CHECKSUM_BLOCK_BYTES})`);
    expect(Array.from((await store.gatherRows([0])).features)).toEqual(row(0));
    expect((await error(store.readChunk(0))).problem).toBe('checksum');
    let n = 0;
    const scan = (async () => {
      for await (const b of store.iterChunks()) n += b.rows;
    })();
    expect((await error(scan)).problem).toBe('checksum');
    expect(n).toBe(0);
    await expect(finalizeFeatureStore(dir)).rejects.toThrow(/rows missing or invalid: \[0, 256\).*checksum/);
  });

  it('a truncated or missing chunk file fails even a read of rows it still holds', async () => {
    await build(dir);
    await truncate(join(dir, 'features', 'c', '1', '0'), 100_000);
    await rm(join(dir, 'labels', 'c', '2'));
    const store = await openFeatureStore(dir);
    const cut = await error(store.gatherRows([256]));
    expect(cut.problem).toBe('truncated');
    expect(cut.message).toContain(`100000 bytes, expected ${CHUNK * ROW_BYTES}`);
    expect((await error(store.gatherRows([599]))).problem).toBe('missing');
  });

  it('reads without verification when asked (size is still checked)', async () => {
    await build(dir);
    const file = join(dir, 'features', 'c', '0', '0');
    const bytes = await readFile(file);
    bytes[0] = (bytes[0] as number) ^ 0x55;
    await writeFile(file, bytes);
    const store = await openFeatureStore(dir, { verify: false });
    expect((await store.gatherRows([1])).features[0]).toBe(row(1)[0]);
    await truncate(file, 10);
    expect((await error(store.gatherRows([0]))).problem).toBe('truncated');
  });
});

describe('zstd chunks (codec: zstd, and stores written before schema 2)', () => {
  it('write the schema-1 layout: zstd codec, one sha256 per file; rows read back the same', async () => {
    const manifest = await build(dir, { codec: 'zstd' });
    expect(manifest).toMatchObject({ schemaVersion: 1, codec: 'zstd' });
    expect((await json(join(dir, 'features', 'zarr.json'))).codecs).toContainEqual({ name: 'zstd', configuration: { level: 1, checksum: false } });
    const sidecar = await json<{ arrays: Record<string, object> }>(join(dir, 'checksums', '0.json'));
    expect(Object.keys(sidecar.arrays.features ?? {}).sort()).toEqual(['bytes', 'sha256']);
    const store = await openFeatureStore(dir);
    const g = await store.gatherRows([599, 21]);
    expect(Array.from(g.features.subarray(DIM))).toEqual(row(21));
    expect(g.ids).toEqual(['1797', '63']);
  });

  it('a store started before codecs existed resumes as zstd when no codec is given, and refuses another codec', async () => {
    const path = join(dir, 'old');
    await build(path, { codec: 'zstd' }, 2 * CHUNK);
    // What an older dualxda leaves: a build spec without `codec`.
    const spec = await json(join(path, 'dualxda-build.json'));
    delete spec.codec;
    await writeFile(join(path, 'dualxda-build.json'), JSON.stringify(spec));
    await expect(createFeatureStoreWriter(path, { rows: ROWS, dim: DIM, chunkRows: CHUNK, classNames: ['a', 'b', 'c'], tokenOffsets: true, codec: 'raw' })).rejects.toThrow(/store was started with codec 'zstd', this writer asks for 'raw'; resume without the codec option/);
    const manifest = await build(path);
    expect(manifest).toMatchObject({ schemaVersion: 1, codec: 'zstd' });
    expect(Array.from((await (await openFeatureStore(path)).gatherRows([300])).features)).toEqual(row(300));
  });
});
