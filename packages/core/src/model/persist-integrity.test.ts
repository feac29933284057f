import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import FileSystemStore from '@zarrita/storage/fs';
import * as zarr from 'zarrita';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDualDAModel, saveDualDAModel } from './persist.js';
import { createSyntheticModel } from './synthetic.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '../../../..');

let dir = '';
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'dualda-integrity-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('a saved model is verified on load', () => {
  it('a flipped byte or a truncated chunk is an error naming the file, never a number', async () => {
    await saveDualDAModel(dir, createSyntheticModel({ n: 60, d: 8, K: 3, seed: 3 }).model);
    const alpha = join(dir, 'dualda', 'sv_alpha', 'c', '0', '0');
    const bytes = await readFile(alpha);
    bytes[17] = (bytes[17] as number) ^ 0x40;
    await writeFile(alpha, bytes);
    await expect(loadDualDAModel(dir)).rejects.toThrow(/sv_alpha\/c\/0\/0: chunk fails its sha256 checksum \(corrupted\)/);
    await saveDualDAModel(dir, createSyntheticModel({ n: 60, d: 8, K: 3, seed: 3 }).model);
    const features = join(dir, 'dualda', 'sv_features', 'c', '0', '0');
    await truncate(features, 100);
    await expect(loadDualDAModel(dir)).rejects.toThrow(/sv_features\/c\/0\/0: chunk is 100 bytes, its checksum record says \d+ \(truncated or replaced\)/);
    await saveDualDAModel(dir, createSyntheticModel({ n: 60, d: 8, K: 3, seed: 3 }).model);
    await rm(join(dir, 'dualda', 'sv_ids', 'c', '0'));
    await expect(loadDualDAModel(dir)).rejects.toThrow(/sv_ids\/c\/0: chunk file is missing/);
  });

  it('reads a schema-1 model (arrays by zarrita, ids in attributes) and keeps it as the previous version on the next save', async () => {
    const { model } = createSyntheticModel({ n: 30, d: 4, K: 2, seed: 5 });
    const root = zarr.root(new FileSystemStore(join(dir, 'dualda')));
    await mkdir(join(dir, 'dualda'));
    const { svIds, svIndices, svAlpha, svFeatures, svNorms, weights, bias, ...rest } = model;
    const nSV = svIds.length;
    await zarr.create(root, { attributes: { schemaVersion: 1, nSV, K: 2, d: 4, svIds, ...rest } });
    const put = async (name: string, dtype: 'int32' | 'float32' | 'float64', data: Int32Array | Float32Array | Float64Array, shape: number[]) => {
      const arr = await zarr.create(root.resolve(name), { shape, chunkShape: shape, dtype });
      await zarr.set(arr, null, { data, shape, stride: shape.length === 2 ? [shape[1] as number, 1] : [1] } as zarr.Chunk<typeof dtype>);
    };
    await put('sv_indices', 'int32', svIndices, [nSV]);
    await put('sv_alpha', 'float64', svAlpha, [nSV, 2]);
    await put('sv_features', 'float32', svFeatures, [nSV, 4]);
    await put('sv_norms', 'float32', svNorms, [nSV]);
    await put('weights', 'float64', weights, [2, 4]);
    await put('bias', 'float64', bias, [2]);
    expect(await loadDualDAModel(dir)).toEqual(model);
    const next = createSyntheticModel({ n: 20, d: 4, K: 2, seed: 6 }).model;
    await saveDualDAModel(dir, next);
    expect(await loadDualDAModel(dir)).toEqual(next);
    expect((await readdir(dir)).filter((n) => n.endsWith('-legacy'))).toHaveLength(1);
  });

  it('leftovers of killed saves are never read and are removed by the next save', async () => {
    const first = createSyntheticModel({ n: 20, d: 4, K: 2, seed: 1 }).model;
    await saveDualDAModel(dir, first);
    await mkdir(join(dir, '.dualda.tmp-20260101T000000000Z-1-x'));
    await writeFile(join(dir, '.dualda.tmp-20260101T000000000Z-1-x', 'zarr.json'), '{');
    await writeFile(join(dir, '.dualda.link-dead'), '');
    expect(await loadDualDAModel(dir)).toEqual(first);
    await saveDualDAModel(dir, createSyntheticModel({ n: 20, d: 4, K: 2, seed: 2 }).model);
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('kill -9 at any moment of a save leaves the previous model or the new one, complete', async () => {
    const old = createSyntheticModel({ n: 400, d: 64, K: 4, seed: 11 }).model;
    await saveDualDAModel(dir, old);
    const saver = `
      const { saveDualDAModel } = await import(${JSON.stringify(join(HERE, 'persist.ts'))});
      const { createSyntheticModel } = await import(${JSON.stringify(join(HERE, 'synthetic.ts'))});
      const m = createSyntheticModel({ n: 20000, d: 64, K: 4, seed: 12 }).model;
      console.log('READY');
      await saveDualDAModel(${JSON.stringify(dir)}, m);`;
    const seen = new Set<string>();
    for (const delay of [0, 40, 150]) {
      const child = spawn(process.execPath, ['--conditions=@dualxda/source', '--import', 'tsx', '--input-type=module', '-e', saver], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
      // Listen for the exit from the start: a save that finishes before the kill must not hang the test.
      const exited = new Promise((r) => child.on('exit', r));
      await Promise.race([new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve())), exited]);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      const back = await loadDualDAModel(dir);
      expect([old.svIds.length, createSyntheticModel({ n: 20000, d: 64, K: 4, seed: 12 }).model.svIds.length]).toContain(back.svIds.length);
      seen.add(back.svIds.length === old.svIds.length ? 'old' : 'new');
    }
    // The lock of a killed save is stale, not a reason to refuse the next one.
    await saveDualDAModel(dir, old);
    expect(await loadDualDAModel(dir)).toEqual(old);
    expect(seen.has('old')).toBe(true);
  }, 120_000);
});
