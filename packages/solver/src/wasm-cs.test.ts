import { describe, expect, it } from 'vitest';
import { createWasmCs } from './wasm-cs.js';

/** The documented order of `dots`, written out in scalar float64. */
function dotInOrder(w: Float64Array, off: number, x: Float64Array, D: number): number {
  const v = Math.floor(D / 8) * 8;
  const lane = [0, 0, 0, 0, 0, 0, 0, 0]; // acc k lane l at 2k + l
  for (let j = 0; j < v; j += 8) for (let e = 0; e < 8; e++) lane[e] = (lane[e] as number) + (w[off + j + e] as number) * (x[j + e] as number);
  const l0 = ((lane[0] as number) + (lane[2] as number)) + ((lane[4] as number) + (lane[6] as number));
  const l1 = ((lane[1] as number) + (lane[3] as number)) + ((lane[5] as number) + (lane[7] as number));
  let s = l0 + l1;
  for (let j = v; j < D; j++) s += (w[off + j] as number) * (x[j] as number);
  return s;
}

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

describe('wasm Crammer–Singer kernels', () => {
  it('dots: every active class in any order, bit for bit the documented summation order, for D = 1..40 and 129', () => {
    const r = rand(7);
    for (const D of [...Array.from({ length: 40 }, (_, i) => i + 1), 129]) {
      for (const K of [1, 2, 3, 5, 10]) {
        const k = createWasmCs(K, D);
        for (let t = 0; t < K * D; t++) k.w[t] = r() * 1e3;
        for (let j = 0; j < D; j++) k.x[j] = r();
        const perm = Array.from({ length: K }, (_, m) => m).sort(() => r());
        for (let act = 0; act <= K; act++) {
          for (let m = 0; m < act; m++) k.cls[m] = perm[m] as number;
          k.val.fill(Number.NaN);
          k.dots(act);
          for (let m = 0; m < act; m++) expect(k.val[m]).toBe(dotInOrder(k.w, (perm[m] as number) * D, k.x, D));
          // Slots past act are left alone.
          for (let m = act; m < K; m++) expect(k.val[m]).toBeNaN();
        }
      }
    }
  });

  it('dots agree with a plain running sum to within float64 rounding', () => {
    const r = rand(3);
    const K = 4, D = 769;
    const k = createWasmCs(K, D);
    for (let t = 0; t < K * D; t++) k.w[t] = r();
    for (let j = 0; j < D; j++) k.x[j] = r();
    for (let m = 0; m < K; m++) k.cls[m] = m;
    k.dots(K);
    for (let m = 0; m < K; m++) {
      let s = 0, abs = 0;
      for (let j = 0; j < D; j++) {
        s += (k.w[m * D + j] as number) * (k.x[j] as number);
        abs += Math.abs((k.w[m * D + j] as number) * (k.x[j] as number));
      }
      expect(Math.abs((k.val[m] as number) - s)).toBeLessThan(abs * D * 2 ** -52);
    }
  });

  it('axpy equals the scalar update w + Δα·x bit for bit, touching only the listed classes', () => {
    const r = rand(11);
    for (const D of [1, 2, 3, 7, 8, 9, 129]) {
      const K = 5;
      const k = createWasmCs(K, D);
      for (let t = 0; t < K * D; t++) k.w[t] = r();
      for (let j = 0; j < D; j++) k.x[j] = r();
      const before = k.w.slice();
      const classes = [3, 0, 4];
      classes.forEach((c, t) => {
        k.cls[t] = c;
        k.val2[t] = r() * 1e-3;
      });
      k.axpy(classes.length);
      for (let c = 0; c < K; c++) {
        const t = classes.indexOf(c);
        for (let j = 0; j < D; j++) {
          const want = t < 0 ? (before[c * D + j] as number) : (before[c * D + j] as number) + (k.val2[t] as number) * (k.x[j] as number);
          expect(k.w[c * D + j]).toBe(want);
        }
      }
      const again = k.w.slice();
      k.axpy(0);
      expect(k.w).toEqual(again);
    }
  });
});
