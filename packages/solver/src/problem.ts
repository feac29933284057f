import { checkCScale, largestNorm } from './numeric-guards.js';
import { augmentRows, encodeLabels, validateFeatures } from './prepare.js';
import type { FeatureMatrix, ResolvedSolverOptions } from './types.js';
import { accumulateWeights, applyWarmStart } from './warm-start.js';

/** A validated in-memory problem: x̃ (n x D, Float64), Q_ii, labels, alpha and W̃. */
export interface InMemoryProblem {
  n: number;
  d: number;
  D: number;
  K: number;
  x: Float64Array;
  q: Float64Array;
  y: Int32Array;
  mapping: Int32Array | undefined;
  alpha: Float64Array;
  w: Float64Array;
  sumAlphaY: number;
}

function alloc(len: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len);
}

/**
 * Validates inputs and builds the Float64 problem once (the only allocation of the solve).
 * `shared` puts x̃, Q, alpha and W̃ into SharedArrayBuffers for the worker threads.
 */
export function prepareProblem(features: FeatureMatrix, labels: ArrayLike<number>, o: ResolvedSolverOptions, shared = false): InMemoryProblem {
  const { n, d } = validateFeatures(features);
  const { y, classes: K, mapping } = encodeLabels(labels, n);
  const D = d + 1;
  const x = alloc(n * D, shared);
  const q = alloc(n, shared);
  augmentRows(features.data, n, d, o.biasScale, x, 0, q, 0);
  const { maxQ, row } = largestNorm(q, n);
  checkCScale(o.C, n, K, maxQ, row);
  const alpha = alloc(n * K, shared);
  const w = alloc(K * D, shared);
  let sumAlphaY = 0;
  if (o.warmStart) {
    sumAlphaY = applyWarmStart(o.warmStart, alpha, y, K, o.C);
    accumulateWeights(alpha, K, D, x, 0, n, 0, w);
  }
  return { n, d, D, K, x, q, y, mapping, alpha, w, sumAlphaY };
}
