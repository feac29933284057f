import { type Rows, classDots } from './gradients.js';

/**
 * The K dot products of rows [start, end) at W̃, results discarded: the read-only core of a pass,
 * timed once on one thread and once split over the workers to measure how the threads scale on
 * this machine now (cores shared with other jobs scale worse than the core count says). Returns
 * a checksum so the work cannot be optimised away.
 */
export function dotsProbe(w: Float64Array, K: number, D: number, x: Rows, start: number, end: number, bias: number): number {
  const classes = new Int32Array(K);
  for (let m = 0; m < K; m++) classes[m] = m;
  const g = new Float64Array(K);
  let sum = 0;
  for (let i = start; i < end; i++) {
    classDots(w, D, x, i * (D - 1), classes, 0, K, g, bias);
    sum += g[0] as number;
  }
  return sum;
}
