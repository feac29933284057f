/**
 * Worker entry of `solveCrammerSingerInWorker`: runs the serial solver off the caller's thread and
 * reports progress; the caller's abort reaches the pass loop through a shared flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SolverInputError, SolverNumericError } from './errors.js';
import { solveCrammerSinger } from './solve.js';
import type { SolveWorkerInit, SolveWorkerMessage } from './solve-in-worker.js';

const init = workerData as SolveWorkerInit;
const post = (m: SolveWorkerMessage): void => parentPort?.postMessage(m);
try {
  const result = solveCrammerSinger({ data: init.features, shape: init.shape }, init.labels, {
    ...init.options,
    shouldStop: () => Atomics.load(init.abort, 0) === 1,
    ...(init.progress ? { onProgress: (p) => post({ kind: 'progress', progress: p }) } : {}),
  });
  post({ kind: 'result', result });
} catch (error) {
  // Structured clone drops the class; send what the caller needs to rebuild a SolverInputError.
  if (error instanceof SolverInputError) post({ kind: 'input-error', field: error.field, message: error.message.slice(error.field.length + 2) });
  else if (error instanceof SolverNumericError) post({ kind: 'numeric-error', field: error.field, message: error.message.slice(error.field.length + 2), C: error.C });
  else post({ kind: 'error', error });
}
