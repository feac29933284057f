import { isDualxdaError } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import { identityError, makeBlobs } from '../test/helpers.js';
import { allocateSolverRows } from './row-memory.js';
import { solveCrammerSinger } from './solve.js';
import type { SolverOptions } from './types.js';

const n = 400, d = 6, K = 4;
const { x, y } = makeBlobs(n, d, K, 99);
const feats = { data: x, shape: [n, d] as [number, number] };

function errorOf(fn: () => unknown): { tag: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isDualxdaError(e)) return { tag: e._tag, message: e.message };
    throw e;
  }
  throw new Error('expected a throw');
}

describe('solveCrammerSinger', () => {
  it('solves float32 rows from allocateSolverRows (read in place) bit for bit as a copy of them anywhere else', () => {
    const plain = Float32Array.from(x);
    const mem = allocateSolverRows(n * d);
    mem.set(plain);
    expect(mem.buffer).toBeInstanceOf(SharedArrayBuffer);
    const a = solveCrammerSinger({ data: plain, shape: [n, d] }, y, { C: 1e-2, tolerance: 1e-6 });
    const b = solveCrammerSinger({ data: mem, shape: [n, d] }, y, { C: 1e-2, tolerance: 1e-6 });
    expect(a.iterations).toBeGreaterThan(10);
    expect(b.iterations).toBe(a.iterations);
    expect(b.svIndices).toEqual(a.svIndices);
    expect(b.svAlpha).toEqual(a.svAlpha);
    expect(a.svAlpha.length).toBeGreaterThan(0);
    expect(b.weights).toEqual(a.weights);
    expect(b.dualObjective).toBe(a.dualObjective);
  });

  it('reports trainAccuracy: the share of rows whose argmax of weights·x + bias is their label', () => {
    const r = solveCrammerSinger(feats, y, { C: 1e-3 });
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bestScore = -Infinity;
      for (let m = 0; m < K; m++) {
        let s = r.bias[m] as number;
        for (let j = 0; j < d; j++) s += (r.weights[m * d + j] as number) * (x[i * d + j] as number);
        if (s > bestScore) [best, bestScore] = [m, s];
      }
      if (best === y[i]) correct++;
    }
    expect(r.trainAccuracy).toBeCloseTo(correct / n, 12);
    expect(r.trainAccuracy).toBeGreaterThan(0.5);
  });

  it('drops all-zero columns without changing a pass: same passes, objective and weights (zeros there)', () => {
    const wide = new Float64Array(n * (d + 2));
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) wide[i * (d + 2) + j + 1] = x[i * d + j] as number;
    const a = solveCrammerSinger(feats, y, { C: 1e-2 });
    const b = solveCrammerSinger({ data: wide, shape: [n, d + 2] }, y, { C: 1e-2 });
    expect(b.iterations).toBe(a.iterations);
    expect(b.primalObjective).toBe(a.primalObjective);
    expect(b.dim).toBe(d + 2);
    for (let m = 0; m < K; m++) {
      expect(b.weights[m * (d + 2)]).toBe(0);
      expect(b.weights[m * (d + 2) + d + 1]).toBe(0);
      for (let j = 0; j < d; j++) expect(b.weights[m * (d + 2) + j + 1]).toBe(a.weights[m * d + j]);
    }
  });

  it.each([1e-5, 1e-3, 1e-1, 10])('satisfies the alpha/W identities to 1e-9 and converges (C=%s)', (C) => {
    const r = solveCrammerSinger(feats, y, { C });
    expect(r.stopReason).toBe('tolerance');
    expect(r.converged).toBe(true);
    expect(identityError(r, x, y, n, C)).toBeLessThan(1e-9);
    expect(r.dualityGap).toBeGreaterThanOrEqual(-1e-12);
    expect(r.dualityGap / r.primalObjective).toBeLessThan(1e-3);
    expect(r.supportVectorCount).toBe(r.svIndices.length);
  });

  it('gives the same objective with and without shrinking and across seeds', () => {
    const a = solveCrammerSinger(feats, y, { C: 0.1, seed: 1 });
    const b = solveCrammerSinger(feats, y, { C: 0.1, seed: 2, shrinking: false });
    expect(Math.abs(a.primalObjective - b.primalObjective) / a.primalObjective).toBeLessThan(1e-5);
  });

  it('is deterministic for a fixed seed', () => {
    const a = solveCrammerSinger(feats, y, { C: 0.1, seed: 5 });
    const b = solveCrammerSinger(feats, y, { C: 0.1, seed: 5 });
    expect(Array.from(a.svAlpha)).toEqual(Array.from(b.svAlpha));
  });

  it('accepts Float32 features with the same result as their Float64 copy', () => {
    const x32 = Float32Array.from(x);
    const a = solveCrammerSinger({ data: x32, shape: [n, d] }, y, { C: 0.01 });
    const b = solveCrammerSinger({ data: Float64Array.from(x32), shape: [n, d] }, y, { C: 0.01 });
    expect(a.primalObjective).toBe(b.primalObjective);
  });

  it('remaps labels that are not 0..K-1 and records the mapping', () => {
    const labels = Int32Array.from(y, (v) => v * 10 - 3);
    const a = solveCrammerSinger(feats, labels, { C: 0.01 });
    const b = solveCrammerSinger(feats, y, { C: 0.01 });
    expect(Array.from((a.labelMapping as Int32Array))).toEqual([-3, 7, 17, 27]);
    expect(b.labelMapping).toBeUndefined();
    expect(a.primalObjective).toBe(b.primalObjective);
  });

  it('reports the intercept scaled by biasScale (sklearn intercept_scaling)', () => {
    const r = solveCrammerSinger(feats, y, { C: 0.01, biasScale: 2 });
    let colSum = 0;
    for (let s = 0; s < r.svIndices.length; s++) colSum += (r.svAlpha[s * K] as number);
    expect(r.bias[0]).toBeCloseTo(4 * colSum, 12);
  });

  it.each([
    ['K < 2', () => solveCrammerSinger(feats, new Int32Array(n)), 'labels', /at least 2 classes/],
    ['no rows', () => solveCrammerSinger({ data: new Float64Array(0), shape: [0, d] }, new Int32Array(0)), 'features', /at least one row/],
    ['NaN feature', () => solveCrammerSinger({ data: Float64Array.from(x, (v, t) => (t === 13 ? NaN : v)), shape: [n, d] }, y), 'features', /row 2, column 1/],
    ['infinite feature', () => solveCrammerSinger({ data: Float64Array.from(x, (v, t) => (t === 0 ? Infinity : v)), shape: [n, d] }, y), 'features', /non-finite/],
    ['label count', () => solveCrammerSinger(feats, y.subarray(1)), 'labels', /expected 400 labels/],
    ['fractional label', () => solveCrammerSinger(feats, Float64Array.from(y, (v) => v + 0.5)), 'labels', /not an integer/],
  ])('rejects %s with a clear error', (_name, fn, field, re) => {
    const e = errorOf(fn);
    expect(e.message).toMatch(re);
    expect(e.message.startsWith(field) || e.message.includes(field)).toBe(true);
  });

  it('rejects a bad shape and C <= 0', () => {
    expect(errorOf(() => solveCrammerSinger({ data: x, shape: [n, d + 1] }, y)).tag).toBe('InvalidShapeError');
    expect(errorOf(() => solveCrammerSinger(feats, y, { C: 0 })).message).toMatch(/option C/);
  });
});

describe('solveCrammerSinger early stopping', () => {
  const base: SolverOptions = { C: 10 };
  it('stops on maxPasses and says so', () => {
    const r = solveCrammerSinger(feats, y, { ...base, maxPasses: 3 });
    expect(r.stopReason).toBe('maxPasses');
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.dualityGap).toBeGreaterThan(0);
    expect(identityError(r, x, y, n, 10)).toBeLessThan(1e-9);
  });

  it('stops on a time budget', () => {
    const r = solveCrammerSinger(feats, y, { ...base, tolerance: 1e-12, timeBudgetMs: 30 });
    expect(r.stopReason).toBe('timeBudget');
    expect(r.seconds).toBeLessThan(5);
  });

  it('stops on an AbortSignal and on shouldStop', () => {
    const ac = new AbortController();
    let passes = 0;
    const r1 = solveCrammerSinger(feats, y, { ...base, signal: ac.signal, onProgress: (p) => { passes = p.pass; if (p.pass === 2) ac.abort(); } });
    expect(r1.stopReason).toBe('aborted');
    expect(passes).toBe(2);
    const r2 = solveCrammerSinger(feats, y, { ...base, shouldStop: () => true });
    expect(r2.stopReason).toBe('aborted');
    expect(r2.iterations).toBe(1);
  });

  it('stops when the dual objective stalls, with a small gap', () => {
    const r = solveCrammerSinger(feats, y, { ...base, tolerance: 1e-12, stallTolerance: 1e-7, stallPasses: 3 });
    expect(r.stopReason).toBe('stalled');
    expect(r.dualityGap / r.primalObjective).toBeLessThan(1e-2);
  });

  it('reports progress with a non-decreasing dual objective', () => {
    const duals: number[] = [];
    solveCrammerSinger(feats, y, { C: 0.1, onProgress: (p) => duals.push(p.dualObjective) });
    expect(duals.length).toBeGreaterThan(2);
    for (let t = 1; t < duals.length; t++) expect((duals[t] as number)).toBeGreaterThanOrEqual((duals[t - 1] as number) - 1e-12);
  });
});

describe('solveCrammerSinger warm start', () => {
  it('continues from a previous alpha for a new C with fewer passes and the same optimum', () => {
    const cold = solveCrammerSinger(feats, y, { C: 0.1 });
    const prev = solveCrammerSinger(feats, y, { C: 0.05 });
    const warm = solveCrammerSinger(feats, y, { C: 0.1, warmStart: prev });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(Math.abs(warm.primalObjective - cold.primalObjective) / cold.primalObjective).toBeLessThan(1e-5);
    // Going down in C must rescale rows into [0, C].
    const down = solveCrammerSinger(feats, y, { C: 0.01, warmStart: cold, maxPasses: 1 });
    expect(identityError(down, x, y, n, 0.01)).toBeLessThan(1e-9);
  });

  it('continues after rows are appended', () => {
    const m = 300;
    const prev = solveCrammerSinger({ data: x.subarray(0, m * d), shape: [m, d] }, y.subarray(0, m), { C: 0.1 });
    const warm = solveCrammerSinger(feats, y, { C: 0.1, warmStart: prev });
    const cold = solveCrammerSinger(feats, y, { C: 0.1 });
    expect(Math.abs(warm.primalObjective - cold.primalObjective) / cold.primalObjective).toBeLessThan(1e-5);
  });

  it('rejects a warm start with rows outside the data', () => {
    const e = errorOf(() => solveCrammerSinger(feats, y, { warmStart: { svIndices: Int32Array.of(n), svAlpha: new Float64Array(K) } }));
    expect(e.message).toMatch(/warmStart: svIndices\[0\]/);
  });
});
