/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { expectClose } from '../testing.js';
import { jacobiEigenF64 } from './eigen-jacobi.js';
import { symmetricEigenvaluesF64 } from './eigen-tridiagonal.js';

// Produced by tools/fixtures/diagnostics/generate.py (numpy.linalg.eigh).
const fx = JSON.parse(readFileSync(new URL('../diagnostics/__fixtures__/spectrum.json', import.meta.url), 'utf8')) as {
  matrices: { n: number; a: number[]; values: number[]; vectors: number[] }[];
};

/** ‖A − V diag(λ) Vᵀ‖_max and ‖VᵀV − I‖_max. */
function residuals(n: number, a: ArrayLike<number>, values: Float64Array, v: Float64Array): { recon: number; ortho: number } {
  let recon = 0;
  let ortho = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += v[i * n + k]! * values[k]! * v[j * n + k]!;
        o += v[k * n + i]! * v[k * n + j]!;
      }
      recon = Math.max(recon, Math.abs(s - a[i * n + j]!));
      ortho = Math.max(ortho, Math.abs(o - (i === j ? 1 : 0)));
    }
  }
  return { recon, ortho };
}

function randomSymmetric(n: number, seed: number, scale = 1): Float64Array {
  const rand = mulberry32(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = (rand() - 0.5) * scale;
  return a;
}

describe('symmetric eigen solvers', () => {
  it.each(fx.matrices.map((m, i) => [i, m] as const))('matrix %i: eigenvalues and eigenvectors match numpy eigh', (_i, m) => {
    const scale = Math.max(...m.values.map(Math.abs));
    const values = new Float64Array(m.n);
    const vectors = new Float64Array(m.n * m.n);
    jacobiEigenF64(m.n, Float64Array.from(m.a), values, vectors);
    expectClose(values, m.values, { rtol: 0, atol: 1e-12 * scale });
    const { recon, ortho } = residuals(m.n, m.a, values, vectors);
    expect(recon).toBeLessThan(1e-12 * scale);
    expect(ortho).toBeLessThan(1e-12);
    // Eigenvectors are unique up to sign for simple eigenvalues: compare |⟨v_numpy, v_jacobi⟩| = 1.
    for (let k = 0; k < m.n; k++) {
      const gapPrev = k > 0 ? m.values[k - 1]! - m.values[k]! : Infinity;
      const gapNext = k < m.n - 1 ? m.values[k]! - m.values[k + 1]! : Infinity;
      if (Math.min(gapPrev, gapNext) < 1e-6 * scale) continue;
      let dot = 0;
      for (let i = 0; i < m.n; i++) dot += vectors[i * m.n + k]! * m.vectors[i * m.n + k]!;
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-8);
    }
    const tri = symmetricEigenvaluesF64(m.n, Float64Array.from(m.a), new Float64Array(m.n));
    expectClose(tri, m.values, { rtol: 0, atol: 1e-12 * scale });
  });

  it('tridiagonal QL agrees with Jacobi on random matrices of odd and even size', () => {
    for (const n of [2, 3, 17, 64]) {
      const a = randomSymmetric(n, n);
      const jac = new Float64Array(n);
      jacobiEigenF64(n, Float64Array.from(a), jac);
      const tri = symmetricEigenvaluesF64(n, Float64Array.from(a), new Float64Array(n));
      expectClose(tri, jac, { rtol: 0, atol: 1e-12 * n });
      // The trace is the sum of eigenvalues.
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i]!;
      expectClose([tri.reduce((s, x) => s + x, 0)], [trace], { rtol: 1e-12, atol: 1e-12 });
    }
  });

  it('handles n = 0, n = 1, diagonal and zero matrices', () => {
    expect(symmetricEigenvaluesF64(0, new Float64Array(0), new Float64Array(0))).toHaveLength(0);
    expect(jacobiEigenF64(0, new Float64Array(0), new Float64Array(0))).toBe(0);
    const one = new Float64Array(1);
    jacobiEigenF64(1, new Float64Array([-4]), one);
    expect(one[0]).toBe(-4);
    expect(Array.from(symmetricEigenvaluesF64(3, new Float64Array([1, 0, 0, 0, 5, 0, 0, 0, -2]), new Float64Array(3)))).toEqual([5, 1, -2]);
    expect(Array.from(symmetricEigenvaluesF64(4, new Float64Array(16), new Float64Array(4)))).toEqual([0, 0, 0, 0]);
    const v = new Float64Array(9);
    const w = new Float64Array(3);
    expect(jacobiEigenF64(3, new Float64Array(9), w, v)).toBe(0);
    expect(Array.from(v)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('keeps relative accuracy at extreme scales (no overflow in the Householder norms)', () => {
    for (const scale of [1e-200, 1e200]) {
      const a = randomSymmetric(9, 3, scale);
      const ref = new Float64Array(9);
      jacobiEigenF64(9, randomSymmetric(9, 3, 1), ref);
      const got = symmetricEigenvaluesF64(9, a, new Float64Array(9));
      expectClose(Array.from(got, (x) => x / scale), ref, { rtol: 0, atol: 1e-12 });
    }
  });

  it('rejects non-finite input and undersized buffers', () => {
    expect(() => symmetricEigenvaluesF64(2, new Float64Array([1, NaN, NaN, 1]), new Float64Array(2))).toThrow(/non-finite/);
    expect(() => jacobiEigenF64(2, new Float64Array([1, NaN, NaN, 1]), new Float64Array(2))).toThrow(/no convergence/);
    expect(() => symmetricEigenvaluesF64(3, new Float64Array(4), new Float64Array(3))).toThrow(/needs 9/);
    expect(() => jacobiEigenF64(2, new Float64Array(4), new Float64Array(2), new Float64Array(3))).toThrow(/vectors needs 4/);
  });
});
