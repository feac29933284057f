import { describe, expect, it } from 'vitest';
import { solveSubproblem } from './subproblem.js';

/** Objective ½A Σα² + Σ Bα of the per-sample sub-problem. */
function objective(A: number, B: number[], a: ArrayLike<number>): number {
  let s = 0;
  for (let m = 0; m < B.length; m++) s += 0.5 * A * (a[m] as number) ** 2 + (B[m] as number) * (a[m] as number);
  return s;
}

describe('solveSubproblem (LIBLINEAR solve_sub_problem)', () => {
  it('returns a feasible point no worse than any feasible perturbation (brute-force check)', () => {
    const A = 2.5, C = 0.7, K = 4, yPos = 1;
    const B = [0.3, -0.2, 0.9, 0.1];
    const out = solveSubproblem(A, Float64Array.from(B), yPos, C, K, new Float64Array(K), new Float64Array(K));
    let sum = 0;
    for (let m = 0; m < K; m++) {
      sum += (out[m] as number);
      expect((out[m] as number)).toBeLessThanOrEqual(m === yPos ? C : 0);
    }
    expect(Math.abs(sum)).toBeLessThan(1e-12);
    const best = objective(A, B, out);
    // Moving mass eps from coordinate a to b keeps the sum; feasible moves must not decrease the objective.
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) {
      if (a === b) continue;
      const p = Array.from(out);
      p[a] = (p[a] as number) - 1e-4;
      p[b] = (p[b] as number) + 1e-4;
      if ((p[b] as number) > (b === yPos ? C : 0)) continue;
      expect(objective(A, B, p)).toBeGreaterThanOrEqual(best - 1e-12);
    }
  });

  it('keeps alpha_y at C when the push is large (bound active)', () => {
    const out = solveSubproblem(1, Float64Array.of(-100, 0, 0), 0, 0.5, 3, new Float64Array(3), new Float64Array(3));
    expect(out[0]).toBe(0.5);
    expect((out[1] as number) + (out[2] as number)).toBeCloseTo(-0.5, 12);
  });

  it('handles a shrunk label (yPos outside the active prefix): active sum becomes -C', () => {
    const out = solveSubproblem(1, Float64Array.of(0.2, -0.1), 5, 0.3, 2, new Float64Array(2), new Float64Array(2));
    expect((out[0] as number) + (out[1] as number)).toBeCloseTo(-0.3, 12);
    expect((out[0] as number)).toBeLessThanOrEqual(0);
    expect((out[1] as number)).toBeLessThanOrEqual(0);
  });
});
