import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFeatureStore, type ZarrFeatureStore } from '@dualxda/core';
import { createRunContext, type RunContext } from '../context.js';
import { createSyntheticRun, syntheticStoreContent } from '../serve/synthetic-data.js';
import { writeRun } from '../serve/write-stores.js';
import { startRowsSpectrum, startStoreSpectrum } from './background-spectrum.js';
import { storeSpectrum } from './collapse-report.js';
import { readFitRows, releaseFeatures, withRowsInMemory, type FitRows } from './fit-rows.js';

let dir: string;
const sink = { write: () => true, isTTY: false };

function context(signal = new AbortController().signal): RunContext {
  return createRunContext({ stdout: sink, stderr: sink, cwd: process.cwd(), signal, json: false, quiet: true, verbose: false });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-bg-spectrum-'));
  const synthetic = createSyntheticRun({ trainRows: 700, testRows: 20, dim: 10, classNames: ['a', 'b', 'c'], seed: 3 });
  await writeRun(join(dir, 'run'), syntheticStoreContent(synthetic, 'train'), syntheticStoreContent(synthetic, 'test'), synthetic.solution);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('background spectrum', () => {
  it('computes on a worker thread exactly what storeSpectrum computes here', async () => {
    const path = join(dir, 'run', 'train');
    const store = await openFeatureStore(path);
    const here = await storeSpectrum(store, 3, context());
    const there = await startStoreSpectrum(path, 3, store.rows).result(context());
    expect(there).toEqual(here);
    expect(there.rows).toBe(700);
  });

  it('computes from rows held in memory (shared, zero columns dropped) what storeSpectrum computes over them', async () => {
    // 300 rows x 6 features, columns 1 and 4 all zero (dead ReLU units): fit keeps 4 columns.
    const n = 300;
    const dim = 6;
    const cols = Int32Array.of(0, 2, 3, 5);
    const features = new Float32Array(new SharedArrayBuffer(n * cols.length * 4));
    for (let i = 0; i < features.length; i++) features[i] = Math.sin(i * 0.37) * 3 + (i % 7);
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const rows: FitRows = { rows: n, dim, features, cols, labels, ids: Array.from({ length: n }, (_, i) => String(i)), norms: new Float32Array(n) };
    const chunkRows = 64;
    const inMemory = withRowsInMemory({ chunkRows, dim } as ZarrFeatureStore, rows);
    const here = await storeSpectrum(inMemory, 3, context());
    const there = await startRowsSpectrum(rows, labels, 3, chunkRows).result(context());
    expect(there).toEqual(here);
    expect(there.rows).toBe(n);
  });

  it('reads a whole store into memory; released rows are not read again', async () => {
    const store = await openFeatureStore(join(dir, 'run', 'train'));
    const rows = await readFitRows(store, context());
    const inMemory = withRowsInMemory(store, rows);
    expect(await storeSpectrum(inMemory, 3, context())).toEqual(await storeSpectrum(store, 3, context()));
    expect((await inMemory.gatherRows([5])).features).toEqual((await store.gatherRows([5])).features);
    releaseFeatures(rows);
    await expect(inMemory.gatherRows([5])).rejects.toThrow(/released/);
    await expect(inMemory.readChunk(0)).rejects.toThrow(/released/);
  });

  it('rejects once cancelled, and names a store it cannot open', async () => {
    const path = join(dir, 'run', 'train');
    const bg = startStoreSpectrum(path, 3, 700);
    bg.cancel();
    await expect(bg.result(context())).rejects.toThrow(/spectrum/);
    await expect(startStoreSpectrum(join(dir, 'missing'), 3, 1).result(context())).rejects.toThrow(/missing/);
  });
});
