import { finalizeInMemory } from './finalize.js';
import { prepareProblem } from './problem.js';
import { resolveSolverOptions } from './resolve-options.js';
import { runSerialPasses } from './serial.js';
import { createStopControl } from './stop-control.js';
import type { FeatureMatrix, SolverOptions, SolverResult } from './types.js';

/**
 * Trains a multiclass Crammer–Singer linear SVM by LIBLINEAR's dual coordinate descent with
 * shrinking (`-s 4 -B biasScale`), in memory, in Float64, on one thread.
 *
 * @example
 * const r = solveCrammerSinger({ data: X, shape: [n, d] }, labels, { C: 1e-3 });
 * r.svIndices; r.svAlpha; // sparse alpha, nSV x K
 */
export function solveCrammerSinger(features: FeatureMatrix, labels: ArrayLike<number>, options: SolverOptions = {}): SolverResult {
  const o = resolveSolverOptions(options);
  const sc = createStopControl();
  const p = prepareProblem(features, labels, o);
  const loop = runSerialPasses(p, o, sc);
  return finalizeInMemory(p, o.C, o.biasScale, loop, sc.startMs);
}
