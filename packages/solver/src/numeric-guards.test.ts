import { isDualxdaError } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from '../test/memory-source.js';
import { accumulateDiagnostics, createDiagnostics } from './diagnostics.js';
import { SolverNumericError } from './errors.js';
import { checkCScale, checkFiniteSolution, maxCForData } from './numeric-guards.js';
import { solveCrammerSingerParallel } from './parallel.js';
import { resolveSolverOptions } from './resolve-options.js';
import { buildResult } from './result.js';
import { solveCrammerSingerInWorker } from './solve-in-worker.js';
import { solveCrammerSinger } from './solve.js';
import { checkStop, createStopControl } from './stop-control.js';
import { solveCrammerSingerBlocks } from './block.js';

// Three classes, 60 rows, 4 features, entries in [-0.5, 1.5]: max ‖x̃‖² is known below.
const n = 60, d = 4;
const x = new Float64Array(n * d);
const y = new Int32Array(n);
for (let i = 0; i < n; i++) {
  y[i] = i % 3;
  for (let j = 0; j < d; j++) x[i * d + j] = Math.sin(i * 7 + j * 3) / 2 + (j === y[i] ? 1 : 0);
}
let maxQ = 0;
for (let i = 0; i < n; i++) {
  let q = 1;
  for (let j = 0; j < d; j++) q += (x[i * d + j] as number) ** 2;
  maxQ = Math.max(maxQ, q);
}
const limit = maxCForData(n, 3, maxQ);

async function numericError(run: () => unknown): Promise<SolverNumericError> {
  try {
    await run();
  } catch (err) {
    expect(isDualxdaError(err, 'SolverNumericError')).toBe(true);
    return err as SolverNumericError;
  }
  throw new Error('expected a SolverNumericError');
}

describe('C upper bound (no float64 overflow in the solver)', () => {
  it('is MAX_VALUE / 4 / (maxQ·K·(n+1)), infinite for all-zero rows', () => {
    expect(limit).toBeCloseTo(Number.MAX_VALUE / 4 / (maxQ * 3 * 61), -290);
    expect(limit).toBeGreaterThan(1e300);
    expect(limit).toBeLessThan(1e308);
    expect(maxCForData(10, 2, 0)).toBe(Infinity);
  });

  it('solves at the bound: every result is finite', () => {
    const r = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C: limit, maxPasses: 200 });
    for (const v of [...r.svAlpha, ...r.weights, ...r.bias, r.primalObjective, r.dualObjective, r.maxViolation]) expect(Number.isFinite(v)).toBe(true);
  });

  it.each([
    ['serial', (C: number) => solveCrammerSinger({ data: x, shape: [n, d] }, y, { C })],
    ['worker', (C: number) => solveCrammerSingerInWorker({ data: x, shape: [n, d] }, y, { C })],
    ['parallel', (C: number) => solveCrammerSingerParallel({ data: x, shape: [n, d] }, y, { C, threads: 2 })],
    ['block', (C: number) => solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 16), { C })],
  ])('%s: refuses C = 1e308 (and just above the bound) before solving, naming the bound', async (_mode, solve) => {
    for (const C of [1e308, limit * 1.01]) {
      const err = await numericError(() => solve(C));
      expect(err.field).toBe('C');
      expect(err.C).toBe(C);
      expect(err.message).toMatch(/^C: C = .* is too large for this data: .*use C <= \d\.\d\de\+\d+ \(max‖x̃‖² = [\d.]+ at row \d+, n = 60, K = 3\)$/);
    }
  });

  it('refuses finite features whose squared norm overflows, naming the row', () => {
    const big = Float64Array.from(x, (v, t) => (t === 7 * d ? 1e155 : v));
    expect(() => solveCrammerSinger({ data: big, shape: [n, d] }, y, { C: 1e-3 })).toThrow(/features: ‖x‖² of row 7 overflows float64/);
    expect(() => checkCScale(1, 10, 2, Infinity, 3)).toThrow(/row 3/);
  });
});

describe('non-finite results are errors, never a model', () => {
  const scalars = { C: 1, K: 3, D: 3, primal: 1, dual: 1, maxViolation: 0.1 };
  it.each([
    ['alpha', new Float64Array([0, 0, 0, 1, NaN, -1]), new Float64Array(9), scalars, /^alpha: alpha\[1, 1\] is NaN \(C = 1\)/],
    ['weights', new Float64Array(6), Float64Array.from({ length: 9 }, (_, t) => (t === 4 ? Infinity : 0)), scalars, /^weights: class 1 is Infinity/],
    ['bias', new Float64Array(6), Float64Array.from({ length: 9 }, (_, t) => (t === 8 ? -Infinity : 0)), scalars, /^bias: class 2 is -Infinity/],
    ['primalObjective', new Float64Array(6), new Float64Array(9), { ...scalars, primal: Infinity }, /^primalObjective: is Infinity/],
    ['dualObjective', new Float64Array(6), new Float64Array(9), { ...scalars, dual: NaN }, /^dualObjective: is NaN/],
    ['maxViolation', new Float64Array(6), new Float64Array(9), { ...scalars, maxViolation: NaN }, /^maxViolation: is NaN .*smaller C/],
  ])('a non-finite %s is named', (field, alpha, w, s, msg) => {
    const err = (() => {
      try {
        checkFiniteSolution(alpha, w, s);
      } catch (e) {
        return e as SolverNumericError;
      }
      return undefined;
    })();
    expect(err?.field).toBe(field);
    expect(err?.message).toMatch(msg);
  });

  it('buildResult (where every mode ends) refuses a NaN alpha', () => {
    const inputs = { n: 2, K: 3, d: 2, biasScale: 1, C: 5, iterations: 1, stopReason: 'tolerance' as const, maxViolation: 0, primal: 0, dual: 0, accuracy: 0, seconds: 0, labelMapping: undefined };
    expect(() => buildResult(new Float64Array([0, 0, 0, NaN, 0, 0]), new Float64Array(9), inputs)).toThrow(/alpha\[1, 0\] is NaN \(C = 5\)/);
    expect(buildResult(new Float64Array(6), new Float64Array(9), inputs).supportVectorCount).toBe(0);
  });

  it('a pass whose dual objective is NaN stops the solve (break on NaN)', () => {
    const o = resolveSolverOptions({ C: 2 });
    expect(() => checkStop(createStopControl(), o, 3, NaN)).toThrow(/dualObjective: became NaN at pass 3 \(C = 2\)/);
    expect(checkStop(createStopControl(), o, 3, 1.5)).toBeUndefined();
  });

  it('a NaN KKT violation is reported as NaN, not as 0 (it used to read "converged, 0.00e+0")', () => {
    const acc = createDiagnostics();
    const K = 2, D = 2;
    const xs = new Float64Array([1, NaN, 1]); // one feature per row; x̃ = [x ; 1]
    accumulateDiagnostics(acc, new Float64Array(K * D), new Float64Array(3 * K), new Int32Array([0, 1, 0]), K, D, 1, xs, 0, 3, 0, new Float64Array(K), 1);
    expect(acc.maxViolation).toBeNaN();
  });
});
