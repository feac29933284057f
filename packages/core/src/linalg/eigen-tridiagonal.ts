/**
 * Eigenvalues of a dense symmetric matrix by Householder reduction to tridiagonal form followed by
 * the implicit QL iteration with Wilkinson shifts (the classic tred2/tqli pair, eigenvalues only).
 * ≈ (4/3)n³ flops, about 20× less than Jacobi, which makes d = 4096 feature spectra feasible
 * (seconds at d = 1024). Tested against `jacobiEigenF64` and numpy.
 */
import { assert, DualxdaError } from '../errors.js';

/** QL iterations per eigenvalue before giving up (30 is the textbook bound; real inputs need ~2). */
const MAX_QL_ITERATIONS = 60;

/**
 * Householder reduction of the lower triangle of the n×n row-major `a` (overwritten) to a
 * symmetric tridiagonal matrix: diagonal into `d`, sub-diagonal into `e[1..n-1]` (e[0] = 0).
 */
function tridiagonalize(n: number, a: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k] as number);
      if (scale === 0) {
        e[i] = a[i * n + l] as number;
      } else {
        // Scaling the row first avoids under/overflow in the sum of squares.
        for (let k = 0; k <= l; k++) {
          const x = (a[i * n + k] as number) / scale;
          a[i * n + k] = x;
          h += x * x;
        }
        let f = a[i * n + l] as number;
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += (a[j * n + k] as number) * (a[i * n + k] as number);
          for (let k = j + 1; k <= l; k++) g += (a[k * n + j] as number) * (a[i * n + k] as number);
          e[j] = g / h;
          f += (e[j] as number) * (a[i * n + j] as number);
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = a[i * n + j] as number;
          const gj = (e[j] as number) - hh * fj;
          e[j] = gj;
          for (let k = 0; k <= j; k++) a[j * n + k] = (a[j * n + k] as number) - (fj * (e[k] as number) + gj * (a[i * n + k] as number));
        }
      }
    } else {
      e[i] = a[i * n + l] as number;
    }
  }
  e[0] = 0;
  for (let i = 0; i < n; i++) d[i] = a[i * n + i] as number;
}

/** Implicit QL on the tridiagonal (d, e): eigenvalues into `d` (unsorted). */
function tridiagonalQl(n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      // Find a negligible sub-diagonal element to split the matrix.
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter++ === MAX_QL_ITERATIONS) throw new DualxdaError('ConvergenceError', `symmetricEigenvaluesF64: no convergence for eigenvalue ${l} after ${MAX_QL_ITERATIONS} QL iterations`);
      let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
      let r = Math.hypot(g, 1);
      g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * (e[i] as number);
        const b = c * (e[i] as number);
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: deflate and restart this eigenvalue.
          d[i + 1] = (d[i + 1] as number) - p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = (d[i + 1] as number) - p;
        r = ((d[i] as number) - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (r === 0 && i >= l) continue;
      d[l] = (d[l] as number) - p;
      e[l] = g;
      e[m] = 0;
    } while (m !== l);
  }
}

/**
 * Eigenvalues of the symmetric n×n row-major matrix `a` (only its lower triangle is read; `a` is
 * overwritten) into `values`, sorted descending. `work` is n float64 of scratch (allocated when
 * omitted). Throws a `ConvergenceError` only on non-finite input in practice.
 *
 * @example
 * const values = new Float64Array(2);
 * symmetricEigenvaluesF64(2, new Float64Array([2, 1, 1, 2]), values); // [3, 1]
 */
export function symmetricEigenvaluesF64(n: number, a: Float64Array, values: Float64Array, work: Float64Array = new Float64Array(n)): Float64Array {
  assert(Number.isInteger(n) && n >= 0, () => `symmetricEigenvaluesF64: n must be a non-negative integer, got ${n}`);
  assert(a.length >= n * n && values.length >= n && work.length >= n, () => `symmetricEigenvaluesF64: a needs ${n * n}, values and work ${n} elements`);
  if (n === 0) return values;
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i] as number)) throw new DualxdaError('ConvergenceError', `symmetricEigenvaluesF64: non-finite matrix entry ${String(a[i])} at ${i}`);
  }
  tridiagonalize(n, a, values, work);
  tridiagonalQl(n, values, work);
  values.subarray(0, n).sort().reverse();
  return values;
}
