import type { Rows } from './gradients.js';
import { checkCScale, largestNorm } from './numeric-guards.js';
import { compactColumns, encodeLabels, keptColumns, rowNorms, validateFeatures } from './prepare.js';
import type { FeatureMatrix, ResolvedSolverOptions } from './types.js';
import { accumulateWeights, applyWarmStart } from './warm-start.js';

/**
 * A validated in-memory problem. The kernel reads `x`: dx = D − 1 columns per row, in the
 * caller's own precision, x̃ = [x ; bias]. It is the caller's array itself when every column is
 * used (no copy; a Float32 input stays Float32, whose values Float64 arithmetic reads exactly),
 * else a copy without the all-zero columns (`cols` maps kept → original column).
 */
export interface InMemoryProblem {
  n: number;
  d: number;
  D: number;
  dx: number;
  K: number;
  x: Rows;
  cols: Int32Array | undefined;
  bias: number;
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

function allocLike(src: Rows, len: number, shared: boolean): Rows {
  if (src instanceof Float32Array) return shared ? new Float32Array(new SharedArrayBuffer(len * 4)) : new Float32Array(len);
  return alloc(len, shared);
}

/**
 * Validates inputs and builds the problem once (the only allocations of the solve besides the
 * kernel's per-row state). `shared` puts x, Q, alpha and W̃ into SharedArrayBuffers for the worker
 * threads (x is copied only when it is not on one already).
 */
export function prepareProblem(features: FeatureMatrix, labels: ArrayLike<number>, o: ResolvedSolverOptions, shared = false): InMemoryProblem {
  const { n, d } = validateFeatures(features);
  const { y, classes: K, mapping } = encodeLabels(labels, n);
  const src = features.data;
  const cols = keptColumns(src, n, d);
  const dx = cols ? cols.length : d;
  const D = dx + 1;
  let x: Rows = src;
  if (cols || (shared && !(src.buffer instanceof SharedArrayBuffer))) {
    x = allocLike(src, n * dx, shared);
    if (cols) compactColumns(src, n, d, cols, x);
    else x.set(src);
  }
  const q = alloc(n, shared);
  rowNorms(x, n, dx, o.biasScale, undefined, q, 0);
  const { maxQ, row } = largestNorm(q, n);
  checkCScale(o.C, n, K, maxQ, row);
  const alpha = alloc(n * K, shared);
  const w = alloc(K * D, shared);
  let sumAlphaY = 0;
  if (o.warmStart) {
    sumAlphaY = applyWarmStart(o.warmStart, alpha, y, K, o.C);
    accumulateWeights(alpha, K, D, x, 0, n, 0, w, o.biasScale);
  }
  return { n, d, D, dx, K, x, cols, bias: o.biasScale, q, y, mapping, alpha, w, sumAlphaY };
}

/** W̃ (K x (d+1)) with the dropped all-zero columns put back as zeros. */
export function fullWeights(p: InMemoryProblem): Float64Array {
  if (!p.cols) return p.w;
  const Df = p.d + 1;
  const out = new Float64Array(p.K * Df);
  for (let m = 0; m < p.K; m++) {
    for (let c = 0; c < p.dx; c++) out[m * Df + (p.cols[c] as number)] = p.w[m * p.D + c] as number;
    out[m * Df + p.d] = p.w[m * p.D + p.dx] as number;
  }
  return out;
}
