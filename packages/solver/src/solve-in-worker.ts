import { SolverInputError, SolverNumericError } from './errors.js';
import { spawnSolverWorker } from './spawn-worker.js';
import { resolveSolverOptions } from './resolve-options.js';
import type { FeatureMatrix, SolverOptions, SolverProgress, SolverResult } from './types.js';

/** What the worker gets: the matrix, labels, the serialisable options and a shared abort flag. */
export interface SolveWorkerInit {
  features: Float32Array | Float64Array;
  shape: [number, number];
  labels: ArrayLike<number>;
  options: Omit<SolverOptions, 'signal' | 'shouldStop' | 'onProgress'>;
  abort: Int32Array;
  progress: boolean;
}

/** Messages from the worker. */
export type SolveWorkerMessage =
  | { kind: 'progress'; progress: SolverProgress }
  | { kind: 'result'; result: SolverResult }
  | { kind: 'input-error'; field: string; message: string }
  | { kind: 'numeric-error'; field: string; message: string; C: number }
  | { kind: 'error'; error: unknown };

/**
 * `solveCrammerSinger` on a worker thread, so the caller's event loop stays free: an `AbortSignal`
 * (Ctrl-C in the CLI) stops the solve at the next pass boundary, with stopReason 'aborted' and the
 * alpha reached so far, instead of waiting for the synchronous solve to end. Same algorithm, same
 * seed, same result as the serial solver; the features are copied once into the worker.
 *
 * @example
 * const ac = new AbortController();
 * const result = await solveCrammerSingerInWorker({ data, shape: [n, d] }, labels, { C: 1e-3, signal: ac.signal });
 */
export async function solveCrammerSingerInWorker(features: FeatureMatrix, labels: ArrayLike<number>, options: SolverOptions = {}): Promise<SolverResult> {
  // Validate here so bad options fail in the caller's stack, naming the option.
  resolveSolverOptions(options);
  const { signal, shouldStop, onProgress, ...plain } = options;
  const abort = new Int32Array(new SharedArrayBuffer(4));
  const init: SolveWorkerInit = {
    features: features.data,
    shape: [features.shape[0], features.shape[1]],
    labels: Array.isArray(labels) || ArrayBuffer.isView(labels) ? labels : Array.from(labels),
    options: plain,
    abort,
    progress: onProgress !== undefined || shouldStop !== undefined,
  };
  const worker = spawnSolverWorker('solve-worker', init);
  const onAbort = (): void => {
    Atomics.store(abort, 0, 1);
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise<SolverResult>((resolve, reject) => {
      worker.on('message', (m: SolveWorkerMessage) => {
        if (m.kind === 'progress') {
          onProgress?.(m.progress);
          // A caller's shouldStop runs here, on the caller's thread, once per reported pass.
          if (shouldStop?.()) onAbort();
        } else if (m.kind === 'result') resolve(m.result);
        else if (m.kind === 'input-error') reject(new SolverInputError(m.field, m.message));
        else if (m.kind === 'numeric-error') reject(new SolverNumericError(m.field, m.message, m.C));
        else reject(m.error);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`solver worker exited with code ${code} before returning a result`)));
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
