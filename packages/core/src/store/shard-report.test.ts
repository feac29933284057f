import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import type { IncompleteStoreError } from './errors.js';
import { finalizeFeatureStore } from './finalize.js';
import { shardMarkerKey, type ShardMarker } from './shard-marker.js';
import { syntheticBatches } from './test-data.js';
import { tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';

const ROWS = 1000;
const CHUNK = 100;
const OPTS = { rows: ROWS, dim: 4, chunkRows: CHUNK, classNames: ['a', 'b', 'c'] };

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function runShard(path: string, index: number, count: number, rows?: number): Promise<void> {
  const w = await createFeatureStoreWriter(path, { ...OPTS, shard: { index, count } });
  const end = rows === undefined ? w.range.end : w.range.start + rows;
  await w.write(syntheticBatches(w.range.start, end, { dim: 4 }));
  if (rows === undefined) await w.close();
}

async function finalizeError(path: string, shards?: number): Promise<IncompleteStoreError> {
  try {
    await finalizeFeatureStore(path, shards === undefined ? {} : { shards });
  } catch (err) {
    if (isDualxdaError(err, 'IncompleteStoreError')) return err as IncompleteStoreError;
    throw err;
  }
  throw new Error('finalize succeeded on an incomplete store');
}

describe('finalize reports shards', () => {
  it('names the shard that never started, the one still running, the dead one and the stale one', async () => {
    const path = join(dir, 's');
    await runShard(path, 0, 5);
    // Shard 2 is still running in this process: 1 of its 2 chunks done, the second half-filled.
    await runShard(path, 2, 5, CHUNK + 30);
    // Shard 3 was killed: its marker names a pid that has exited.
    await runShard(path, 3, 5, CHUNK);
    const marker = JSON.parse(await readFile(join(path, shardMarkerKey(3, 5)), 'utf8')) as ShardMarker;
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    await writeFile(join(path, shardMarkerKey(3, 5)), JSON.stringify({ ...marker, pid: gone }));
    // Shard 4 finished, then one of its chunks was damaged.
    await runShard(path, 4, 5);
    const key = join(path, 'features', 'c', '9', '0');
    const bytes = await readFile(key);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(key, bytes);

    const err = await finalizeError(path);
    expect(err.shards.map((s) => [s.index, s.state])).toEqual([
      [0, 'complete'],
      [1, 'never-started'],
      [2, 'running'],
      [3, 'died'],
      [4, 'stale'],
    ]);
    expect(err.shards[1]).toMatchObject({ rows: { start: 200, end: 400 }, missingChunks: [2, 3] });
    expect(err.shards[2]?.detail).toMatch(/1 of 2 chunks so far: rows 500-599 not written/);
    expect(err.shards[3]?.detail).toMatch(new RegExp(`pid ${gone}.*process is gone\\) after 1 of 2 chunks: rows 700-799 not written`));
    expect(err.shards[4]?.invalid.join()).toMatch(/chunk 9/);
    expect(err.message).toMatch(/4 of 5 shards incomplete: shard 1\/5 never-started \(rows \[200, 400\)\), shard 2\/5 running \(rows \[400, 600\)\), shard 3\/5 died .*, shard 4\/5 stale \(rows \[800, 1000\)\)/);
  });

  it('uses the requested count when no shard ever ran, and the newest count when runs disagree', async () => {
    const path = join(dir, 's');
    const w = await createFeatureStoreWriter(path, { ...OPTS, shard: { index: 0, count: 2 } });
    await w.close();
    const err = await finalizeError(path, 4);
    expect(err.shards.map((s) => s.state)).toEqual(['never-started', 'never-started', 'never-started', 'never-started']);
    await new Promise((r) => setTimeout(r, 5));
    await runShard(path, 1, 4);
    expect((await finalizeError(path)).shards.map((s) => s.state)).toEqual(['never-started', 'complete', 'never-started', 'never-started']);
  });

  it('a finalized store keeps no shard markers, so sharded and unsharded builds match', async () => {
    const path = join(dir, 's');
    for (const i of [0, 1, 2]) await runShard(path, i, 3);
    expect(await readdir(join(path, 'shards'))).toEqual(['0-of-3.json', '1-of-3.json', '2-of-3.json']);
    await finalizeFeatureStore(path);
    expect(await readdir(path)).not.toContain('shards');
  });
});

describe('finalize and newer stores', () => {
  it('refuses to rewrite a store finalized by a newer schema', async () => {
    const path = join(dir, 's');
    await runShard(path, 0, 1);
    await finalizeFeatureStore(path);
    const root = JSON.parse(await readFile(join(path, 'zarr.json'), 'utf8')) as { attributes: { dualxda: { schemaVersion: number } } };
    root.attributes.dualxda.schemaVersion = 99;
    await writeFile(join(path, 'zarr.json'), JSON.stringify(root));
    await expect(finalizeFeatureStore(path)).rejects.toThrow(/finalized by a newer dualxda \(schema version 99; this one writes \d+\): refusing to rewrite/);
    expect(JSON.parse(await readFile(join(path, 'zarr.json'), 'utf8'))).toEqual(root);
  });
});
