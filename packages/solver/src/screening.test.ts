import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../test/helpers.js';
import { ROW_SHRUNK, createCsState, initRow, reactivateClasses } from './cs-kernel.js';
import { prepareProblem } from './problem.js';
import { resolveSolverOptions } from './resolve-options.js';
import { createScreening, screenedUpdate } from './screening.js';
import { solveCrammerSinger } from './solve.js';

/** Exact check that row i would be shrunk now: α_i = 0 and G_y > G_m for every m ≠ y. */
function wouldShrink(w: Float64Array, alpha: Float64Array, x: Float32Array | Float64Array, i: number, yi: number, K: number, D: number): boolean {
  for (let k = 0; k < K; k++) if (alpha[i * K + k] !== 0) return false;
  const g = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = k === yi ? 0 : 1;
    for (let j = 0; j < D - 1; j++) s += (w[k * D + j] as number) * (x[i * (D - 1) + j] as number);
    s += w[k * D + D - 1] as number; // bias 1
    g[k] = s;
  }
  for (let k = 0; k < K; k++) if (k !== yi && (g[k] as number) >= (g[yi] as number)) return false;
  return true;
}

describe('screening of re-activated rows', () => {
  it.each([
    [1e-3, undefined],
    [1e-2, undefined],
    [1e-3, 0], // two snapshots kept: rows anchored at dropped ones must be evaluated
  ])('only skips rows that an exact evaluation would shrink, and skips many (C=%s, snapshot bytes %s)', (C, bytes) => {
    const n = 1500, d = 6, K = 4;
    const { x: raw, y: labels } = makeBlobs(n, d, K, 23, 0.8);
    const o = resolveSolverOptions({ C });
    const p = prepareProblem({ data: raw, shape: [n, d] }, labels, o);
    const st = createCsState(n, K, p.D, C, p.alpha, p.w, p.bias);
    for (let i = 0; i < n; i++) initRow(st, i, p.y[i] as number);
    const screen = createScreening(n, p.q, K, p.D, bytes);
    let unsound = 0, epsShrink = 1;
    for (let pass = 0; pass < 60; pass++) {
      let viol = 0;
      for (let i = 0; i < n; i++) {
        if (st.activeK[i] === 0) continue;
        const before = screen.skipped;
        const v = screenedUpdate(st, screen, i, i, p.y[i] as number, p.x, i * p.dx, p.q[i] as number, true);
        if (screen.skipped > before && !wouldShrink(st.w, p.alpha, p.x, i, p.y[i] as number, K, p.D)) unsound++;
        if (v === ROW_SHRUNK) st.activeK[i] = 0; // test-local marker: out of the active set until re-activation
        else viol = Math.max(viol, v);
      }
      if (viol < epsShrink) {
        reactivateClasses(st, n);
        epsShrink /= 2;
      }
    }
    expect(unsound).toBe(0);
    expect(screen.skipped).toBeGreaterThan(n);
    if (bytes === 0) expect(screen.snaps.filter((s) => s === undefined).length).toBeGreaterThan(0);
  });

  it('leaves the serial solver on LIBLINEAR’s path: same objective as without shrinking, to 1e-6', () => {
    const n = 2000, d = 10, K = 5;
    const { x, y } = makeBlobs(n, d, K, 5, 1);
    const screened = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C: 0.01, tolerance: 1e-6 });
    const plain = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C: 0.01, tolerance: 1e-6, shrinking: false });
    expect(screened.stopReason).toBe('tolerance');
    expect(Math.abs(screened.primalObjective - plain.primalObjective) / plain.primalObjective).toBeLessThan(1e-6);
  });
});
