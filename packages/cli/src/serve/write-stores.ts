/**
 * Writes a synthetic run to disk the way `dualxda demo` lays it out: a training store with texts and
 * the `dualda/` model group, a test store with texts and model logits, and `dualxda-run.json`.
 * Used by the disk-path tests, the e2e test and tools/bench/serve.ts.
 */
import { createDualDAModel, createFeatureStoreWriter, finalizeFeatureStore, openFeatureStore, saveDualDAModel, type RowBatch } from '@dualxda/core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILE } from '../lib/run-file.js';

/** Columns of one store, produced batch by batch so 1M-row stores never sit in memory. */
export interface StoreContent {
  rows: number;
  dim: number;
  classNames: string[];
  /** Yields consecutive row batches (texts required; logits for test stores). */
  batches(): Iterable<RowBatch> | AsyncIterable<RowBatch>;
  logitsDim?: number;
}

/** Writes and finalizes one store at `path`. */
export async function writeStore(path: string, content: StoreContent, chunkRows = 4096): Promise<void> {
  const writer = await createFeatureStoreWriter(path, {
    rows: content.rows,
    dim: content.dim,
    classNames: content.classNames,
    texts: true,
    logitsDim: content.logitsDim ?? 0,
    chunkRows,
    tool: 'dualxda-dashboard-fixture',
  });
  await writer.write(content.batches());
  await writer.close();
  await finalizeFeatureStore(path);
}

/** The solver fields `createDualDAModel` needs. */
export interface Solution {
  svIndices: Int32Array;
  svAlpha: Float64Array;
  weights: Float64Array;
  bias: Float64Array;
  C: number;
}

/** Writes train + test stores, the model group and the run file under `dir`; returns the train store path. */
export async function writeRun(dir: string, train: StoreContent, test: StoreContent, solution: Solution, modelDir?: string): Promise<string> {
  const trainPath = join(dir, 'train');
  const testPath = join(dir, 'test');
  await writeStore(trainPath, train);
  await writeStore(testPath, test);
  const model = await createDualDAModel(await openFeatureStore(trainPath), solution);
  await saveDualDAModel(trainPath, model);
  const run = { testStore: '../test', ...(modelDir === undefined ? {} : { modelDir }), createdBy: 'dualxda-dashboard-fixture' };
  await writeFile(join(trainPath, RUN_FILE), `${JSON.stringify(run, null, 2)}\n`);
  return trainPath;
}
