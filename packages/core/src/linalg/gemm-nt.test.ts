import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { mulberry32 } from '../random.js';
import { gemmNtF32, gemmNtF64 } from './gemm-nt.js';

function naive(m: number, n: number, k: number, a: ArrayLike<number>, sa0: number, sa1: number, oa: number, b: ArrayLike<number>, sb0: number, sb1: number, ob: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[oa + i * sa0 + p * sa1] as number) * (b[ob + j * sb0 + p * sb1] as number);
      out.push(s);
    }
  }
  return out;
}

const rand = mulberry32(7);
const fill = (len: number): Float32Array => Float32Array.from({ length: len }, () => rand() * 2 - 1);

describe('gemmNtF32 / gemmNtF64', () => {
  it('matches a naive triple loop for odd sizes hitting every edge block', () => {
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [4, 4, 8], [9, 13, 5], [8, 3, 0]] as const) {
      const a = fill(m * k);
      const b = fill(n * k);
      const out = new Float64Array(m * n).fill(NaN);
      gemmNtF32(m, n, k, a, k, 1, 0, b, k, 1, 0, out, n, 1, 0);
      expectClose(out, naive(m, n, k, a, k, 1, 0, b, k, 1, 0), { rtol: 1e-12, atol: 1e-12 });
      const out64 = new Float64Array(m * n);
      gemmNtF64(m, n, k, Float64Array.from(a), k, 1, 0, Float64Array.from(b), k, 1, 0, out64, n, 1, 0);
      expectClose(out64, out, { rtol: 1e-12, atol: 1e-12 });
    }
  });
  it('honours row strides, offsets, non-unit inner strides and a transposed output', () => {
    const [m, n, k] = [5, 6, 3];
    const a = fill(2 + m * 8); // row stride 8, offset 2
    const b = fill(1 + k * n * 2); // column-major B: row stride 1... inner stride 2n
    const out = new Float64Array(3 + m * n);
    gemmNtF32(m, n, k, a, 8, 1, 2, b, 1, n * 2, 1, out, 1, m, 3); // out stored column-major
    const ref = naive(m, n, k, a, 8, 1, 2, b, 1, n * 2, 1);
    const got: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) got.push(out[3 + i + j * m] as number);
    expectClose(got, ref, { rtol: 1e-12, atol: 1e-12 });
    expect(out[0]).toBe(0); // before the offset: untouched
  });
  it('is a no-op for empty outputs and propagates NaN', () => {
    const out = new Float64Array(4).fill(7);
    gemmNtF64(0, 2, 3, new Float64Array(0), 3, 1, 0, new Float64Array(6), 3, 1, 0, out, 2, 1, 0);
    expect([...out]).toEqual([7, 7, 7, 7]);
    const a = new Float64Array([1, NaN, 2, 3]);
    gemmNtF64(2, 2, 2, a, 2, 1, 0, a, 2, 1, 0, out, 2, 1, 0);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[3]).toBe(13);
  });
  it('rejects non-integer sizes', () => {
    expect(() => gemmNtF32(1.5, 1, 1, new Float32Array(2), 1, 1, 0, new Float32Array(2), 1, 1, 0, new Float64Array(2), 1, 1, 0)).toThrow(/integers/);
  });
});
