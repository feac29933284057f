/**
 * Entry of the in-memory background spectrum worker (background-spectrum.ts `startRowsSpectrum`):
 * accumulates the spectrum of the rows `fit` holds (features on a SharedArrayBuffer, so nothing is
 * copied or decoded twice) and posts it. `workerData`: `RowsSpectrumInput`.
 */
import { parentPort, workerData } from 'node:worker_threads';
// The accumulator's subpath only: the package root costs this worker ~0.15 s CPU and ~11 MiB to load.
import { createSpectrumAccumulator } from '@dualxda/core/spectrum-accumulator';
import type { RowsSpectrumInput, SpectrumWorkerReply } from './background-spectrum.js';
import { expandRows } from './fit-rows.js';

const port = parentPort;
if (port === null) throw new Error('rows-spectrum-worker.ts runs only as a worker thread');
const { rows: m, labels, numClasses, chunkRows } = workerData as RowsSpectrumInput;
const reply = (msg: SpectrumWorkerReply): void => port.postMessage(msg);
try {
  // The same chunks, at full width, that `withRowsInMemory(...).iterChunks()` gives `storeSpectrum`.
  const acc = createSpectrumAccumulator(m.dim, numClasses);
  const reuse = m.cols ? new Float32Array(chunkRows * m.dim) : undefined;
  for (let start = 0; start < m.rows; start += chunkRows) {
    const end = Math.min(m.rows, start + chunkRows);
    const features = m.cols ? expandRows(m, start, end, reuse) : m.features.subarray(start * m.dim, end * m.dim);
    acc.add({ data: features, shape: [end - start, m.dim] }, labels.subarray(start, end));
    reply({ type: 'progress', rows: end, total: m.rows });
  }
  reply({ type: 'done', spectrum: acc.finish() });
} catch (err) {
  reply({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
}
