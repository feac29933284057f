/**
 * The collapse report's feature spectrum of a training store, computed on a worker thread while
 * the solver runs: it depends on the features and labels only, not on the model, and it was a
 * quarter of `fit`'s CPU time on one core (issue 17). Same accumulator, same chunks as
 * `storeSpectrum`, so the numbers are those `dualxda inspect` recomputes. The worker reads either
 * the store from disk (`startStoreSpectrum`, block mode) or the rows `fit` already holds
 * (`startRowsSpectrum`: the features' SharedArrayBuffer is shared, not copied).
 */
import { Worker } from 'node:worker_threads';
import type { FeatureSpectrum } from '@dualxda/core';
import type { RunContext } from '../context.js';
import { entryBeside, workerBootstrap } from '../lib/worker-bootstrap.js';
import type { FitFeatures } from './fit-rows.js';

/** Messages from spectrum-worker.ts and rows-spectrum-worker.ts. */
export type SpectrumWorkerReply = { type: 'progress'; rows: number; total: number } | { type: 'done'; spectrum: FeatureSpectrum } | { type: 'fatal'; message: string };

/** `workerData` of rows-spectrum-worker.ts. */
export interface RowsSpectrumInput {
  numClasses: number;
  rows: FitFeatures;
  labels: Int32Array;
  chunkRows: number;
}

/** A spectrum being computed; `result` shows a progress bar while the caller waits on it. */
export interface BackgroundSpectrum {
  result(ctx: RunContext): Promise<FeatureSpectrum>;
  /** Stops the worker (the fit failed or was interrupted); `result` then rejects. */
  cancel(): void;
}

/** Starts the worker; the store is read from disk, independent of the caller's copy. */
export function startStoreSpectrum(storePath: string, numClasses: number, rows: number): BackgroundSpectrum {
  return start('spectrum-worker', { storePath, numClasses }, rows);
}

/**
 * Starts the worker on rows held in memory, in `chunkRows` chunks (the store's, so the accumulator
 * sees what `storeSpectrum` over `withRowsInMemory` would). `rows.features` should live on a
 * SharedArrayBuffer (as `readFitRows` allocates it); a plain buffer is copied to the worker. The
 * caller must not change the rows until `result` has settled.
 */
export function startRowsSpectrum(rows: FitFeatures, labels: Int32Array, numClasses: number, chunkRows: number): BackgroundSpectrum {
  const { rows: n, dim, features, cols } = rows;
  const input: RowsSpectrumInput = { numClasses, rows: { rows: n, dim, features, cols }, labels, chunkRows };
  return start('rows-spectrum-worker', input, n);
}

function start(entry: string, workerData: unknown, rows: number): BackgroundSpectrum {
  const worker = new Worker(workerBootstrap(entryBeside(import.meta.url, entry)), { eval: true, workerData });
  // The worker must not keep a finished or failed command alive.
  worker.unref();
  let rowsDone = 0;
  let onProgress: ((rows: number) => void) | undefined;
  const finished = new Promise<FeatureSpectrum>((resolve, reject) => {
    worker.on('message', (msg: SpectrumWorkerReply) => {
      if (msg.type === 'progress') {
        rowsDone = msg.rows;
        onProgress?.(msg.rows);
      } else if (msg.type === 'done') resolve(msg.spectrum);
      else reject(new Error(`feature spectrum: ${msg.message}`));
      if (msg.type !== 'progress') void worker.terminate();
    });
    worker.on('error', (err) => reject(err));
    worker.on('exit', (code) => reject(new Error(`feature spectrum: the worker stopped (exit code ${code})`)));
  });
  // A rejection nobody awaits (cancelled fits) must not surface as an unhandled rejection.
  finished.catch(() => undefined);
  return {
    async result(ctx) {
      const bar = ctx.progress({ label: 'collapse check: feature spectrum', total: rows, unit: 'rows' });
      bar.update(rowsDone);
      onProgress = (rows) => bar.update(rows);
      const abort = (): void => void worker.terminate();
      ctx.signal.addEventListener('abort', abort, { once: true });
      try {
        const spectrum = await finished;
        bar.done(`${rows} rows`);
        return spectrum;
      } finally {
        onProgress = undefined;
        ctx.signal.removeEventListener('abort', abort);
      }
    },
    cancel() {
      void worker.terminate();
    },
  };
}
