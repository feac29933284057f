import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { createWasmGemmF32, wasmGemmF32Bytes } from './wasm-gemm-f32.js';

describe('WebAssembly SIMD gemm', () => {
  it('assembles valid modules for both accumulations', () => {
    expect(WebAssembly.validate(wasmGemmF32Bytes('f32'))).toBe(true);
    expect(WebAssembly.validate(wasmGemmF32Bytes('f64'))).toBe(true);
  });

  it('matches a naive product on a padded 4×8 by 8×8 problem with a strided output', () => {
    for (const acc of ['f32', 'f64'] as const) {
      const k = createWasmGemmF32(acc);
      expect(k).not.toBeNull();
      if (k === null) return;
      const [m, n, d] = [4, 8, 8];
      const f = new Float32Array(k.memory.buffer);
      for (let q = 0; q < (m + n) * d; q++) f[q] = ((q * 7) % 11) - 5 + 0.25;
      const a = 0;
      const b = m * d * 4;
      const c = (m + n) * d * 4;
      const ldc = 10 * 8; // 2 spare columns per output row
      k.gemm(m, n, d * 4, a, d * 4, b, d * 4, c, ldc);
      const out = new Float64Array(k.memory.buffer, c, m * 10);
      const got: number[] = [];
      const want: number[] = [];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < d; p++) s += (f[i * d + p] as number) * (f[m * d + j * d + p] as number);
          want.push(s);
          got.push(out[i * 10 + j] as number);
        }
        expect(out[i * 10 + 8]).toBe(0); // spare columns untouched
      }
      expectClose(got, want, { rtol: acc === 'f64' ? 1e-15 : 1e-6, atol: 1e-12 });
    }
  });
});
