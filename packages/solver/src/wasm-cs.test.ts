import { describe, expect, it } from 'vitest';
import { allocateSolverRows } from './row-memory.js';
import { createWasmCs, type WasmCs } from './wasm-cs.js';

/** The documented order of `dots`, written out in scalar float64 (W̃ row at off, dx features, bias). */
function dotInOrder(w: Float64Array, off: number, x: ArrayLike<number>, dx: number, bias: number): number {
  const v = Math.floor(dx / 8) * 8;
  const lane = [0, 0, 0, 0, 0, 0, 0, 0]; // accumulator k, lane l at 2k + l
  for (let j = 0; j < v; j += 8) for (let e = 0; e < 8; e++) lane[e] = (lane[e] as number) + (w[off + j + e] as number) * (x[j + e] as number);
  const l0 = (lane[0] as number) + (lane[2] as number) + ((lane[4] as number) + (lane[6] as number));
  const l1 = (lane[1] as number) + (lane[3] as number) + ((lane[5] as number) + (lane[7] as number));
  let s = l0 + l1;
  for (let j = v; j < dx; j++) s += (w[off + j] as number) * (x[j] as number);
  return s + (w[off + dx] as number) * bias;
}

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

// One shared memory for every in-place kernel below (each reserves address space).
const shared = allocateSolverRows(256);

/** A kernel on rows from allocateSolverRows holding `row` at float offset 3 (an unaligned address). */
function inPlace(K: number, dx: number, bias: number, row: Float32Array): { k: WasmCs; at: number } {
  const rows = shared;
  rows.fill(0);
  rows.set(row, 3);
  const k = createWasmCs(K, dx + 1, bias, rows);
  expect(k.rows).toBe(rows);
  return { k, at: k.rowsBase + 3 * 4 };
}

describe('wasm Crammer–Singer kernels', () => {
  it('dots: every active class in any order, bit for bit the documented order, copied or read in place, dx = 1..40 and 128', () => {
    const r = rand(7);
    for (const dx of [...Array.from({ length: 40 }, (_, i) => i + 1), 128]) {
      for (const K of [1, 2, 3, 5, 10]) {
        const bias = r() * 4;
        const row = Float32Array.from({ length: dx }, () => r());
        const k = createWasmCs(K, dx + 1, bias);
        const p = inPlace(K, dx, bias, row);
        for (let t = 0; t < K * (dx + 1); t++) k.w[t] = r() * 1e3;
        p.k.w.set(k.w);
        k.x.set(row);
        const perm = Array.from({ length: K }, (_, m) => m).sort(() => r());
        for (let act = 0; act <= K; act++) {
          for (const kern of [k, p.k]) {
            for (let m = 0; m < act; m++) kern.cls[m] = perm[m] as number;
            kern.val.fill(Number.NaN);
            if (kern === k) kern.dots(act);
            else kern.dotsAt(act, p.at);
            for (let m = 0; m < act; m++) expect(kern.val[m]).toBe(dotInOrder(k.w, (perm[m] as number) * (dx + 1), row, dx, bias));
            // Slots past act are left alone.
            for (let m = act; m < K; m++) expect(kern.val[m]).toBeNaN();
          }
        }
      }
    }
  });

  it('dots agree with a plain running sum to within float64 rounding', () => {
    const r = rand(3);
    const K = 4, dx = 768;
    const k = createWasmCs(K, dx + 1, 1);
    for (let t = 0; t < K * (dx + 1); t++) k.w[t] = r();
    for (let j = 0; j < dx; j++) k.x[j] = r();
    for (let m = 0; m < K; m++) k.cls[m] = m;
    k.dots(K);
    for (let m = 0; m < K; m++) {
      let s = 0, abs = 0;
      for (let j = 0; j <= dx; j++) {
        const v = (k.w[m * (dx + 1) + j] as number) * (j < dx ? (k.x[j] as number) : 1);
        s += v;
        abs += Math.abs(v);
      }
      expect(Math.abs((k.val[m] as number) - s)).toBeLessThan(abs * dx * 2 ** -52);
    }
  });

  it('axpy equals the scalar update w + Δα·x̃ bit for bit (bias included), copied or in place, touching only the listed classes', () => {
    const r = rand(11);
    for (const dx of [1, 2, 3, 7, 8, 9, 128]) {
      const K = 5, D = dx + 1, bias = 0.75;
      const row = Float32Array.from({ length: dx }, () => r());
      const k = createWasmCs(K, D, bias);
      const p = inPlace(K, dx, bias, row);
      for (let t = 0; t < K * D; t++) k.w[t] = r();
      p.k.w.set(k.w);
      k.x.set(row);
      const before = k.w.slice();
      const classes = [3, 0, 4];
      for (const kern of [k, p.k]) {
        classes.forEach((c, t) => {
          kern.cls[t] = c;
          kern.val2[t] = (t + 1) * 1.25e-3;
        });
        if (kern === k) kern.axpy(classes.length);
        else kern.axpyAt(classes.length, p.at);
        for (let c = 0; c < K; c++) {
          const t = classes.indexOf(c);
          for (let j = 0; j < D; j++) {
            const xj = j < dx ? (row[j] as number) : bias;
            const want = t < 0 ? (before[c * D + j] as number) : (before[c * D + j] as number) + (t + 1) * 1.25e-3 * xj;
            expect(kern.w[c * D + j]).toBe(want);
          }
        }
        const again = kern.w.slice();
        if (kern === k) kern.axpy(0);
        else kern.axpyAt(0, p.at);
        expect(kern.w).toEqual(again);
      }
    }
  });

  it('falls back to copying rows when their memory cannot hold another state', () => {
    const rows = allocateSolverRows(16);
    const states = Array.from({ length: 3 }, () => createWasmCs(2, 17, 1, rows));
    expect(states.every((k) => k.rows === rows)).toBe(true);
    // A state bigger than the room left (64 MiB above the rows) gets its own memory.
    const big = createWasmCs(2048, 4097, 1, rows);
    expect(big.rows).toBeUndefined();
    expect(big.w.length).toBe(2048 * 4097);
  });

  it('states on the same rows get regions of their own above the rows', () => {
    const rows = allocateSolverRows(100);
    rows.fill(2);
    const a = createWasmCs(3, 11, 1, rows);
    const b = createWasmCs(3, 11, 1, rows);
    a.w.fill(5);
    expect(b.w.every((v) => v === 0)).toBe(true);
    expect(Array.from(rows.subarray(0, 3))).toEqual([2, 2, 2]);
    expect(b.rowsBase).toBe(rows.byteOffset);
  });
});
