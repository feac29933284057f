import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFeatureStore } from '@dualxda/core';
import { createRunContext, type RunContext } from '../context.js';
import { createSyntheticRun, syntheticStoreContent } from '../serve/synthetic-data.js';
import { writeRun } from '../serve/write-stores.js';
import { startStoreSpectrum } from './background-spectrum.js';
import { storeSpectrum } from './collapse-report.js';

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

  it('rejects once cancelled, and names a store it cannot open', async () => {
    const path = join(dir, 'run', 'train');
    const bg = startStoreSpectrum(path, 3, 700);
    bg.cancel();
    await expect(bg.result(context())).rejects.toThrow(/spectrum/);
    await expect(startStoreSpectrum(join(dir, 'missing'), 3, 1).result(context())).rejects.toThrow(/missing/);
  });
});
