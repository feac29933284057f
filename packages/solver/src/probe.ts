import type { Rows } from './gradients.js';
import { createWasmCs } from './wasm-cs.js';

/**
 * The K dot products of rows [start, end) at W̃, results discarded: the read-only core of a pass
 * (the same row copy and WebAssembly kernel as `updateSample`), timed once on one thread and once
 * split over the workers to measure how the threads scale on this machine now (cores shared with
 * other jobs scale worse than the core count says). Returns a checksum so the work cannot be
 * optimised away.
 */
export function dotsProbe(w: Float64Array, K: number, D: number, x: Rows, start: number, end: number, bias: number): number {
  const kern = createWasmCs(K, D, bias);
  kern.w.set(w);
  for (let m = 0; m < K; m++) kern.cls[m] = m;
  const dx = D - 1;
  let sum = 0;
  for (let i = start; i < end; i++) {
    for (let j = 0; j < dx; j++) kern.x[j] = x[i * dx + j] as number;
    kern.dots(K);
    sum += kern.val[0] as number;
  }
  return sum;
}
