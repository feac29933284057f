/**
 * Blocked `C = A · Bᵀ` kernels in the stdlib strided form: A is m×k, B is n×k (both row-major
 * views with arbitrary strides and offsets), C is m×n and caller-owned. Accumulation and output
 * are float64 in both variants (like BLAS `dsdot`), so long dot products over float32 features do
 * not lose the 1e-6 identities DualDA relies on.
 *
 * The unit-inner-stride path is register-blocked 4×4: each pass over the shared dimension reads 4
 * rows of A and 4 rows of B once and updates 16 accumulators, quartering memory traffic compared
 * with one dot product at a time. No allocation happens inside.
 */
import { assert } from '../errors.js';
import { gemmNtUnitF32 } from './gemm-nt-unit-f32.js';
import { gemmNtUnitF64 } from './gemm-nt-unit-f64.js';

type F32 = Float32Array;
type F64 = Float64Array;

function checkArgs(m: number, n: number, k: number, name: string): void {
  assert(Number.isInteger(m) && Number.isInteger(n) && Number.isInteger(k), () => `${name}: m, n, k must be integers, got ${m}, ${n}, ${k}`);
}

/**
 * `out[i, j] = Σ_p a[i, p] · b[j, p]` for float32 operands, float64 output.
 *
 * @example
 * const a = new Float32Array([1, 2, 3, 4]); // 2×2
 * const out = new Float64Array(4);
 * gemmNtF32(2, 2, 2, a, 2, 1, 0, a, 2, 1, 0, out, 2, 1, 0); // a·aᵀ = [5, 11, 11, 25]
 */
export function gemmNtF32(
  m: number, n: number, k: number,
  a: F32, sa0: number, sa1: number, oa: number,
  b: F32, sb0: number, sb1: number, ob: number,
  out: F64, so0: number, so1: number, oo: number,
): F64 {
  checkArgs(m, n, k, 'gemmNtF32');
  if (m <= 0 || n <= 0) return out;
  if (sa1 === 1 && sb1 === 1) gemmNtUnitF32(m, n, k, a, sa0, oa, b, sb0, ob, out, so0, so1, oo);
  else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let ia = oa + i * sa0;
        let ib = ob + j * sb0;
        for (let p = 0; p < k; p++, ia += sa1, ib += sb1) s += (a[ia] as number) * (b[ib] as number);
        out[oo + i * so0 + j * so1] = s;
      }
    }
  }
  return out;
}

/** Same as {@link gemmNtF32} for float64 operands. */
export function gemmNtF64(
  m: number, n: number, k: number,
  a: F64, sa0: number, sa1: number, oa: number,
  b: F64, sb0: number, sb1: number, ob: number,
  out: F64, so0: number, so1: number, oo: number,
): F64 {
  checkArgs(m, n, k, 'gemmNtF64');
  if (m <= 0 || n <= 0) return out;
  if (sa1 === 1 && sb1 === 1) gemmNtUnitF64(m, n, k, a, sa0, oa, b, sb0, ob, out, so0, so1, oo);
  else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let ia = oa + i * sa0;
        let ib = ob + j * sb0;
        for (let p = 0; p < k; p++, ia += sa1, ib += sb1) s += (a[ia] as number) * (b[ib] as number);
        out[oo + i * so0 + j * so1] = s;
      }
    }
  }
  return out;
}
