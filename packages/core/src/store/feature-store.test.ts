import FileSystemStore from '@zarrita/storage/fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import { openFeatureStore } from './feature-store.js';
import { finalizeFeatureStore } from './finalize.js';
import type { SyntheticOptions } from './test-data.js';
import { syntheticBatches, syntheticRow } from './test-data.js';
import { tempDir } from './test-utils.js';
import type { FeatureDType } from './types.js';
import { createFeatureStoreWriter } from './writer.js';
import type { FeatureStoreWriterOptions } from './writer-options.js';

const ROWS = 1000;
const DIM = 8;
const CHUNK = 128;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function build(path: string, opts: Partial<FeatureStoreWriterOptions> = {}, data: Partial<SyntheticOptions> = {}) {
  const w = await createFeatureStoreWriter(path, { rows: ROWS, dim: DIM, chunkRows: CHUNK, classNames: ['a', 'b', 'c'], ...opts });
  await w.write(syntheticBatches(0, ROWS, { dim: DIM, batchRows: 77, ...data }));
  const summary = await w.close();
  const manifest = await finalizeFeatureStore(path, { createdAt: '2026-01-01T00:00:00.000Z' });
  return { summary, manifest };
}

function expectedRow(r: number): Float32Array {
  const out = new Float32Array(DIM);
  syntheticRow(r, DIM, out, 0);
  return out;
}

async function expectTagged(p: Promise<unknown>, tag: string, ...parts: string[]): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDualxdaError(err, tag), `expected ${tag}, got ${String(err)}`).toBe(true);
  for (const part of parts) expect((err as Error).message).toContain(part);
}

describe('feature store round trip', () => {
  it('reads back every array written, across chunk boundaries, and zarrita reads the same bytes', async () => {
    const opts = { texts: true, logitsDim: 2, tokenOffsets: true };
    const { summary, manifest } = await build(dir, opts, { ...opts, id: (r) => r * 3 });
    expect(summary).toMatchObject({ complete: true, chunksWritten: 8, chunksSkipped: 0 });
    expect(manifest).toMatchObject({ rows: ROWS, dim: DIM, chunkRows: CHUNK, idType: 'int64', dtype: 'float32' });
    const store = await openFeatureStore(dir);
    expect(store.chunkCount).toBe(8);
    const block = await store.readRows(120, 260);
    expect(block.rows).toBe(140);
    expect(Array.from(block.features.subarray(0, DIM))).toEqual(Array.from(expectedRow(120)));
    expect(Array.from(block.features.subarray(139 * DIM))).toEqual(Array.from(expectedRow(259)));
    expect(block.ids.slice(0, 2)).toEqual(['360', '363']);
    expect(Array.from(block.labels.subarray(0, 3))).toEqual([0, 1, 2]);
    const gathered = await store.gatherRows([999, 0, 500, 0]);
    expect(gathered.ids).toEqual(['2997', '0', '1500', '0']);
    expect(Array.from(gathered.features.subarray(2 * DIM, 3 * DIM))).toEqual(Array.from(expectedRow(500)));
    expect(Array.from(gathered.indices ?? [])).toEqual([999, 0, 500, 0]);
    const norms = await store.readNorms();
    const r7 = expectedRow(7);
    expect(norms[7]).toBeCloseTo(Math.hypot(...r7), 5);
    const labels = await store.readLabels();
    expect(labels.length).toBe(ROWS);
    expect(labels[998]).toBe(998 % 3);
    expect(await store.readTexts(998, 1000)).toEqual(['text 998 ✓', 'text 999 ✓']);
    expect(await store.gatherTexts([3, 700])).toEqual(['text 3 ✓', 'text 700 ✓']);
    expect(Array.from(await store.readLogits(1, 2))[0]).toBeCloseTo(1, 6);
    const last = await store.readChunk(7);
    expect(last.start).toBe(896);
    expect(last.rows).toBe(ROWS - 896);
    expect(last.tokenOffsets?.length).toBe(2 * last.rows);
    let seen = 0;
    for await (const b of store.iterChunks()) {
      expect(b.start).toBe(seen);
      seen += b.rows;
    }
    expect(seen).toBe(ROWS);
    const fs = new FileSystemStore(dir);
    const arr = await zarr.open(zarr.root(fs).resolve('features'), { kind: 'array' });
    const viaZarrita = await zarr.get(arr, [zarr.slice(259, 260), null]);
    expect(Array.from(viaZarrita.data as Float32Array)).toEqual(Array.from(expectedRow(259)));
    const ids = await zarr.open(zarr.root(fs).resolve('ids'), { kind: 'array' });
    expect(ids.dtype).toBe('int64');
  });

  it.each<[FeatureDType, number]>([
    ['float16', 1e-3],
    ['int8', 1 / 127],
  ])('stores %s features within their quantisation error, norms matching the stored values', async (dtype, tol) => {
    await build(dir, { dtype });
    const store = await openFeatureStore(dir);
    const b = await store.readRows(300, 301);
    const want = expectedRow(300);
    for (let j = 0; j < DIM; j++) expect(Math.abs(b.features[j] - want[j])).toBeLessThanOrEqual(tol);
    expect(b.norms[0]).toBeCloseTo(Math.hypot(...b.features), 5);
  });

  it('falls back to string ids for the whole store when any chunk has a non-integer id', async () => {
    const { manifest } = await build(dir, {}, { id: (r) => (r < 900 ? r : `x${r}`) });
    expect(manifest.idType).toBe('string');
    const store = await openFeatureStore(dir);
    expect(await store.readIds(0, 2)).toEqual(['0', '1']);
    expect(await store.readIds(998, 1000)).toEqual(['x998', 'x999']);
    const ids = await zarr.open(zarr.root(new FileSystemStore(dir)).resolve('ids'), { kind: 'array' });
    expect((await zarr.get(ids, [zarr.slice(0, 2)])).data).toEqual(['0', '1']);
  });

  it('writes to and reads from any zarrita-compatible store object', async () => {
    const mem = new Map<string, Uint8Array>();
    await build(mem as never);
    const store = await openFeatureStore(mem);
    expect((await store.readIds(5, 6))[0]).toBe('row-5');
    const arr = await zarr.open(zarr.root(mem).resolve('labels'), { kind: 'array' });
    expect(Array.from((await zarr.get(arr, [zarr.slice(0, 4)])).data as Int32Array)).toEqual([0, 1, 2, 0]);
  });
});

describe('feature store integrity errors', () => {
  const key = (k: number) => join('features', 'c', String(k), '0');

  it('names the chunk when a chunk fails its checksum, is truncated or is missing', async () => {
    await build(dir);
    const bytes = await readFile(join(dir, key(2)));
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(join(dir, key(2)), bytes);
    await writeFile(join(dir, key(3)), (await readFile(join(dir, key(3)))).subarray(0, 20));
    await rm(join(dir, key(4)));
    const store = await openFeatureStore(dir);
    await expectTagged(store.readChunk(2), 'ChunkError', "chunk 2 of array 'features'", 'checksum');
    await expectTagged(store.readRows(3 * CHUNK, 3 * CHUNK + 1), 'ChunkError', 'chunk 3', 'truncated');
    await expectTagged(store.gatherRows([4 * CHUNK + 5]), 'ChunkError', 'chunk 4', 'missing');
    expect((await store.readChunk(1)).rows).toBe(CHUNK);
    await expectTagged(finalizeFeatureStore(dir), 'IncompleteStoreError', '[256, 640)', 'checksum');
  });

  it('refuses to finalize an incomplete sharded build, listing the missing rows', async () => {
    const w = await createFeatureStoreWriter(dir, { rows: ROWS, dim: DIM, chunkRows: CHUNK, shard: { index: 0, count: 2 } });
    expect(w.range).toEqual({ start: 0, end: 512 });
    await w.write(syntheticBatches(0, 512, { dim: DIM }));
    expect((await w.close()).complete).toBe(true);
    await expectTagged(finalizeFeatureStore(dir), 'IncompleteStoreError', '[512, 1000)');
    await expectTagged(openFeatureStore(dir), 'StoreFormatError', 'not finalized');
  });

  it('rejects non-integer or out-of-range row indices and chunk numbers when reading', async () => {
    await build(dir);
    const store = await openFeatureStore(dir);
    await expectTagged(store.gatherRows([1, Number.NaN]), 'InvalidInputError', "'indices'", 'entry 1 is NaN');
    await expectTagged(store.readRows(10, ROWS + 1), 'InvalidInputError', '[10, 1001)');
    await expectTagged(store.readChunk(8), 'InvalidInputError', 'index 8 out of range');
  });

  it('refuses a store written by a newer schema version', async () => {
    await build(dir);
    const root = JSON.parse(await readFile(join(dir, 'zarr.json'), 'utf8')) as { attributes: { dualxda: { schemaVersion: number } } };
    root.attributes.dualxda.schemaVersion = 99;
    await writeFile(join(dir, 'zarr.json'), JSON.stringify(root));
    await expectTagged(openFeatureStore(dir), 'StoreFormatError', 'schema version 99');
  });
});

describe('feature store input validation', () => {
  async function writer(opts: Partial<FeatureStoreWriterOptions> = {}) {
    return createFeatureStoreWriter(dir, { rows: ROWS, dim: DIM, chunkRows: CHUNK, classNames: ['a', 'b', 'c'], ...opts });
  }
  const batch = () => syntheticBatches(0, 10, { dim: DIM }).next().value as NonNullable<ReturnType<typeof syntheticBatches> extends Generator<infer B> ? B : never>;

  it('rejects NaN/Inf features with the row index', async () => {
    const w = await writer();
    await w.append(batch());
    const b = batch();
    b.features[3 * DIM + 1] = Number.NaN;
    await expectTagged(w.append(b), 'InvalidInputError', "'features'", 'row 13', 'NaN');
  });

  it('rejects shape and length mismatches and out-of-range labels', async () => {
    const w = await writer();
    await expectTagged(w.append({ ...batch(), features: new Float32Array(DIM * 9) }), 'InvalidInputError', "'features'", 'rows (10');
    await expectTagged(w.append({ ...batch(), ids: ['a'] }), 'InvalidInputError', "'ids'", 'length 1');
    await expectTagged(w.append({ ...batch(), labels: Int32Array.of(0, 1, 2, 3, 0, 0, 0, 0, 0, 0) }), 'InvalidInputError', "'labels'", 'row 3');
    await expectTagged(w.append({ ...batch(), texts: ['x'] }), 'InvalidInputError', "'texts'", 'without it');
  });

  it('rejects unsupported dtypes and options by name', async () => {
    await expect(writer({ dtype: 'float64' as FeatureDType })).rejects.toThrow(/option dtype: unsupported dtype 'float64'/);
    await expect(writer({ chunkRows: 0 })).rejects.toThrow(/option chunkRows/);
    await expect(writer({ shard: { index: 3, count: 3 } })).rejects.toThrow(/option shard.index/);
  });

  it('refuses to mix builds with different options in one store', async () => {
    await writer();
    await expectTagged(writer({ dim: DIM + 1 }), 'StoreFormatError', 'dim=8');
  });
});
