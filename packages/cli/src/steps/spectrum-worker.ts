/**
 * Entry of the background spectrum worker (background-spectrum.ts): streams a feature store once
 * and posts its spectrum. `workerData`: `{ storePath, numClasses }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSpectrumAccumulator, openFeatureStore } from '@dualxda/core';
import type { SpectrumWorkerReply } from './background-spectrum.js';

const port = parentPort;
if (port === null) throw new Error('spectrum-worker.ts runs only as a worker thread');
const { storePath, numClasses } = workerData as { storePath: string; numClasses: number };
const reply = (msg: SpectrumWorkerReply): void => port.postMessage(msg);
try {
  const store = await openFeatureStore(storePath);
  const acc = createSpectrumAccumulator(store.dim, numClasses);
  // add() copies the rows into its own stage, so the blocks' memory can serve the next chunk.
  for await (const block of store.iterChunks({ reuseBuffers: true })) {
    acc.add({ data: block.features, shape: [block.rows, block.dim] }, block.labels);
    reply({ type: 'progress', rows: block.start + block.rows, total: store.rows });
  }
  reply({ type: 'done', spectrum: acc.finish() });
} catch (err) {
  reply({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
}
