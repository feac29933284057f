import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFeatureStore } from './feature-store.js';
import { finalizeFeatureStore } from './finalize.js';
import { syntheticBatches } from './test-data.js';
import { tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function store(): Promise<string> {
  const path = join(dir, 's');
  const w = await createFeatureStoreWriter(path, { rows: 400, dim: 4, chunkRows: 100, classNames: ['a', 'b', 'c'] });
  await w.write(syntheticBatches(0, 400, { dim: 4 }));
  await w.close();
  await finalizeFeatureStore(path);
  return path;
}

async function consumeSlowly(path: string): Promise<number> {
  const s = await openFeatureStore(path);
  let seen = 0;
  // The caller is busy with block k while block k+1 is read ahead and fails.
  for await (const block of s.iterChunks()) {
    await new Promise((r) => setTimeout(r, 30));
    seen += block.labels.length;
  }
  return seen;
}

describe('iterChunks read-ahead', () => {
  it.each([
    ['missing', (p: string) => rm(join(p, 'features', 'c', '2', '0'))],
    ['corrupt', (p: string) => writeFile(join(p, 'features', 'c', '2', '0'), 'garbage')],
  ])('a %s chunk is a ChunkError at that chunk, not an unhandled rejection', async (_, damage) => {
    const path = await store();
    await damage(path);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(consumeSlowly(path)).rejects.toThrow(/chunk 2/);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
