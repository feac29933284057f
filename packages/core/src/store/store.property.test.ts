import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFeatureStore } from './feature-store.js';
import { finalizeFeatureStore } from './finalize.js';
import { syntheticRow } from './test-data.js';
import { diffSnapshots, snapshotDir, tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir('dualxda-store-prop-')));
afterAll(() => cleanup());

const CREATED = '2026-01-01T00:00:00.000Z';
let runs = 0;

interface Case {
  rows: number;
  dim: number;
  chunkRows: number;
  shards: number;
  /** Batch sizes to cut each shard's rows into (cycled). */
  batches: number[];
  order: number[];
}

const cases = fc
  .record({
    rows: fc.integer({ min: 1, max: 260 }),
    dim: fc.integer({ min: 1, max: 5 }),
    chunkRows: fc.integer({ min: 1, max: 64 }),
    shards: fc.integer({ min: 1, max: 4 }),
    batches: fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 4 }),
    seed: fc.integer(),
  })
  .map(({ seed, ...c }): Case => {
    const order = Array.from({ length: c.shards }, (_, i) => i);
    // Shards finish in any order.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.abs(seed + i * 7919) % (i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return { ...c, order };
  });

function rowsOf(start: number, end: number, dim: number) {
  const n = end - start;
  const features = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) syntheticRow(start + r, dim, features, r * dim);
  return { features, labels: Int32Array.from({ length: n }, (_, r) => (start + r) % 3), ids: Array.from({ length: n }, (_, r) => `id-${start + r}`) };
}

async function build(path: string, c: Case, shards: number, order: number[]): Promise<void> {
  for (const index of order) {
    const w = await createFeatureStoreWriter(path, { rows: c.rows, dim: c.dim, chunkRows: c.chunkRows, classNames: ['a', 'b', 'c'], shard: { index, count: shards } });
    let at = w.range.start;
    for (let b = 0; at < w.range.end; b++) {
      const end = Math.min(w.range.end, at + (c.batches[b % c.batches.length] as number));
      await w.append(rowsOf(at, end, c.dim));
      at = end;
    }
    expect((await w.close()).complete).toBe(true);
  }
  await finalizeFeatureStore(path, { createdAt: CREATED });
}

describe('feature store writer/reader (property-based)', () => {
  it('any shape, chunking, batching and shard order reads back exactly, with the bytes of a one-shard build', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const run = runs++;
        const sharded = join(dir, `s${run}`);
        const single = join(dir, `u${run}`);
        await build(sharded, c, c.shards, c.order);
        await build(single, c, 1, [0]);
        expect(diffSnapshots(await snapshotDir(single), await snapshotDir(sharded))).toEqual([]);
        const store = await openFeatureStore(sharded);
        const want = rowsOf(0, c.rows, c.dim);
        const block = await store.readRows(0, c.rows);
        expect(Array.from(block.features)).toEqual(Array.from(want.features));
        expect(Array.from(await store.readLabels())).toEqual(Array.from(want.labels));
        expect(await store.readIds(0, c.rows)).toEqual(want.ids);
        const pick = [c.rows - 1, 0, Math.floor(c.rows / 2)];
        const gathered = await store.gatherRows(pick);
        pick.forEach((r, k) => expect(Array.from(gathered.features.subarray(k * c.dim, (k + 1) * c.dim))).toEqual(Array.from(want.features.subarray(r * c.dim, (r + 1) * c.dim))));
      }),
      { numRuns: 25, seed: 42 },
    );
  }, 180_000);
});
