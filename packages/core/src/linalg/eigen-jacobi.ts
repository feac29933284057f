/**
 * Cyclic Jacobi eigendecomposition of a dense symmetric matrix, A = V diag(λ) Vᵀ. Slow (≈ 3n³
 * flops per sweep, 6–10 sweeps) but simple, backward stable and accurate to a few ulps even for
 * tiny eigenvalues, so it is the reference the faster tridiagonal solver is tested against and the
 * routine to use when the eigenvectors are wanted (n up to ~1024).
 */
import { assert } from '../errors.js';

/** Sweeps before giving up; quadratic convergence usually needs fewer than 12. */
const MAX_SWEEPS = 60;

/**
 * Rotates rows/columns p and q of the n×n row-major `a` (and columns of `v`) so that a[p, q] = 0.
 * J is the identity except J[p,p] = J[q,q] = c, J[p,q] = s, J[q,p] = −s; A ← JᵀAJ, V ← VJ.
 */
function rotate(n: number, a: Float64Array, v: Float64Array | null, p: number, q: number): void {
  const apq = a[p * n + q] as number;
  const theta = ((a[q * n + q] as number) - (a[p * n + p] as number)) / (2 * apq);
  // The smaller root of t² + 2θt − 1 = 0 keeps the rotation angle ≤ π/4 (stability); for huge θ,
  // θ² would overflow, and t ≈ 1/(2θ) is exact to rounding.
  const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p] as number;
    const akq = a[k * n + q] as number;
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k] as number;
    const aqk = a[q * n + k] as number;
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  a[p * n + q] = 0;
  a[q * n + p] = 0;
  if (v !== null) {
    for (let k = 0; k < n; k++) {
      const vkp = v[k * n + p] as number;
      const vkq = v[k * n + q] as number;
      v[k * n + p] = c * vkp - s * vkq;
      v[k * n + q] = s * vkp + c * vkq;
    }
  }
}

/** Sorts eigenvalues descending and permutes the eigenvector columns the same way. */
function sortDescending(n: number, values: Float64Array, v: Float64Array | null): void {
  for (let i = 0; i < n - 1; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if ((values[j] as number) > (values[best] as number)) best = j;
    if (best === i) continue;
    const tmp = values[i] as number;
    values[i] = values[best] as number;
    values[best] = tmp;
    if (v !== null) {
      for (let k = 0; k < n; k++) {
        const x = v[k * n + i] as number;
        v[k * n + i] = v[k * n + best] as number;
        v[k * n + best] = x;
      }
    }
  }
}

/**
 * Eigenvalues (descending, into `values`) and optionally eigenvectors (columns of the n×n row-major
 * `vectors`) of the symmetric n×n row-major matrix `a`, which is overwritten (its diagonal ends up
 * holding the unsorted eigenvalues). Only symmetric input is meaningful; the upper and lower
 * triangles are both read. Returns the number of sweeps; throws when 60 sweeps do not converge.
 *
 * @example
 * const a = new Float64Array([2, 1, 1, 2]);
 * const values = new Float64Array(2);
 * const vectors = new Float64Array(4);
 * jacobiEigenF64(2, a, values, vectors); // values [3, 1], vectors columns ±[1, 1]/√2, ±[1, −1]/√2
 */
export function jacobiEigenF64(n: number, a: Float64Array, values: Float64Array, vectors: Float64Array | null = null): number {
  assert(Number.isInteger(n) && n >= 0, () => `jacobiEigenF64: n must be a non-negative integer, got ${n}`);
  assert(a.length >= n * n && values.length >= n, () => `jacobiEigenF64: a needs ${n * n} and values ${n} elements, got ${a.length} and ${values.length}`);
  assert(vectors === null || vectors.length >= n * n, () => `jacobiEigenF64: vectors needs ${n * n} elements`);
  if (vectors !== null) {
    vectors.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  }
  let total = 0;
  for (let i = 0; i < n * n; i++) total += (a[i] as number) * (a[i] as number);
  let sweeps = 0;
  for (; sweeps <= MAX_SWEEPS; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    // Off-diagonal energy below (ε‖A‖_F)²: the diagonal is the spectrum to rounding.
    if (off <= 1e-32 * total || off === 0) break;
    assert(sweeps < MAX_SWEEPS && Number.isFinite(off), () => `jacobiEigenF64: no convergence after ${MAX_SWEEPS} sweeps (off-diagonal energy ${off})`);
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        // An element negligible next to both diagonal entries changes nothing at working precision.
        const app = Math.abs(a[p * n + p] as number);
        const aqq = Math.abs(a[q * n + q] as number);
        if (sweeps > 3 && app + 100 * Math.abs(apq) === app && aqq + 100 * Math.abs(apq) === aqq) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        rotate(n, a, vectors, p, q);
      }
    }
  }
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  sortDescending(n, values, vectors);
  return sweeps;
}
