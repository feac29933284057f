import { finalizeInMemory } from './finalize.js';
import { prepareProblem } from './problem.js';
import { resolveSolverOptions } from './resolve-options.js';
import { createPassLoop } from './serial.js';
import { createStopControl } from './stop-control.js';
import type { FeatureMatrix, SolverOptions, SolverResult } from './types.js';

/** Longest stretch of passes between two turns of the caller's event loop. */
const SLICE_MS = 20;

/**
 * `solveCrammerSinger` on the caller's thread that hands the event loop a turn between passes
 * (at most every 20 ms of solving), so an `AbortSignal` (Ctrl-C in the CLI), timers and progress
 * output are served while it runs: an abort stops the solve at the next pass boundary with
 * stopReason 'aborted' and the alpha reached so far. Same passes, same seed, same result as
 * `solveCrammerSinger`, and unlike `solveCrammerSingerInWorker` no thread to start and no second
 * JavaScript heap (the features are read in place).
 *
 * @example
 * const ac = new AbortController();
 * process.once('SIGINT', () => ac.abort());
 * const r = await solveCrammerSingerAsync({ data, shape: [n, d] }, labels, { C: 1e-3, signal: ac.signal });
 */
export async function solveCrammerSingerAsync(features: FeatureMatrix, labels: ArrayLike<number>, options: SolverOptions = {}): Promise<SolverResult> {
  const o = resolveSolverOptions(options);
  const sc = createStopControl();
  const p = prepareProblem(features, labels, o);
  const loop = createPassLoop(p, o, sc);
  let sliceStart = performance.now();
  for (;;) {
    const r = loop.step();
    if (r) return finalizeInMemory(p, o.C, o.biasScale, r, sc.startMs);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
