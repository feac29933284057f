import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { createWasmGemmF32, EXPLAIN_KERNEL_VARIANT, wasmGemmF32Bytes, type WasmGemmF32 } from './wasm-gemm-f32.js';
import { wasmRelaxedSimd } from './wasm-relaxed-simd.js';

/**
 * Writes A at byte 0 (float64 in 'f64-mixed', else float32) and B (float32) after room for a
 * float64 A; returns A's element size and B's byte offset.
 */
function loadOperands(k: WasmGemmF32, acc: string, a: Float32Array, b: Float32Array, aLen: number, bLen: number): { ea: number; bPtr: number } {
  const ea = acc === 'f64-mixed' ? 8 : 4;
  (ea === 8 ? new Float64Array(k.memory.buffer, 0, aLen) : new Float32Array(k.memory.buffer, 0, aLen)).set(a);
  const bPtr = aLen * 8;
  new Float32Array(k.memory.buffer, bPtr, bLen).set(b);
  return { ea, bPtr };
}

describe('WebAssembly SIMD gemm', () => {
  it('assembles valid modules for both accumulations', () => {
    expect(WebAssembly.validate(wasmGemmF32Bytes('f32'))).toBe(true);
    expect(WebAssembly.validate(wasmGemmF32Bytes('f64'))).toBe(true);
    expect(WebAssembly.validate(wasmGemmF32Bytes('f64-operands'))).toBe(true);
    expect(WebAssembly.validate(wasmGemmF32Bytes('f64-mixed', { rows: 4, cols: 2 }))).toBe(true);
    expect(WebAssembly.validate(wasmGemmF32Bytes('f32', { rows: 3, cols: 5 }))).toBe(true);
  });

  it('gives bitwise the f64 kernel results from pre-promoted operands, and honours other tiles', () => {
    const [m, n, d] = [6, 20, 12];
    const src = Float32Array.from({ length: (m + n) * d }, (_, q) => Math.sin(q * 1.7) * 3);
    const run = (acc: 'f64' | 'f64-operands' | 'f32', tile?: { rows: number; cols: number }): number[] => {
      const k = createWasmGemmF32(acc, tile);
      expect(k).not.toBeNull();
      if (k === null) return [];
      const elem = acc === 'f64-operands' ? 8 : 4;
      (elem === 8 ? new Float64Array(k.memory.buffer) : new Float32Array(k.memory.buffer)).set(src);
      const c = (m + n) * d * elem;
      k.gemm(m, n, d * elem, 0, d * elem, m * d * elem, d * elem, c, n * 8);
      return Array.from(new Float64Array(k.memory.buffer, c, m * n));
    };
    const f64 = run('f64');
    expect(run('f64-operands')).toEqual(f64);
    expect(run('f64', { rows: 3, cols: 5 })).toEqual(f64);
    expectClose(run('f32', { rows: 1, cols: 4 }), f64, { rtol: 1e-5, atol: 1e-5 });
  });

  it("gives bitwise the 'f64' results from float64 A rows ('f64-mixed') and from the 1-row gemv tile", () => {
    const [m, n, d] = [8, 12, 16];
    const a = Float32Array.from({ length: m * d }, (_, q) => Math.sin(q * 0.91) * 5);
    const b = Float32Array.from({ length: n * d }, (_, q) => Math.cos(q * 1.3) / 3);
    const run = (acc: 'f64' | 'f64-mixed', fn: 'gemm' | 'gemv', tile?: { rows: number; cols: number }): number[] => {
      const k = createWasmGemmF32(acc, tile);
      expect(k).not.toBeNull();
      if (k === null) return [];
      const { ea, bPtr } = loadOperands(k, acc, a, b, m * d, n * d);
      const c = bPtr + n * d * 4;
      k[fn](m, n, d * 4, 0, d * ea, bPtr, d * 4, c, n * 8);
      return Array.from(new Float64Array(k.memory.buffer, c, m * n));
    };
    const want = run('f64', 'gemm');
    expect(want.some((v) => v !== 0)).toBe(true);
    expect(run('f64-mixed', 'gemm', { rows: 4, cols: 2 })).toEqual(want);
    expect(run('f64-mixed', 'gemv', { rows: 4, cols: 2 })).toEqual(want);
    expect(run('f64', 'gemv')).toEqual(want);
  });

  it('gives bitwise the unfused float64 results from the fused, 1×8, two-step variant; float32 within rounding', () => {
    const [m, n, d] = [5, 24, 36]; // 5 rows: a 4-row tile then one gemv row
    const a = Float32Array.from({ length: m * d }, (_, q) => Math.sin(q * 0.77) * 4);
    const b = Float32Array.from({ length: n * d }, (_, q) => Math.cos(q * 1.1) / 7);
    const run = (acc: 'f64-mixed' | 'f32', variant?: typeof EXPLAIN_KERNEL_VARIANT, gather = false, rows = acc === 'f32' ? 2 : 4): number[] => {
      const k = createWasmGemmF32(acc, { rows, cols: 8 / rows }, variant);
      expect(k).not.toBeNull();
      if (k === null) return [];
      const { ea, bPtr } = loadOperands(k, acc, a, b, m * d, n * d);
      const idxPtr = bPtr + 2 * n * d * 4; // past n + 8 spare B rows read ahead
      new Int32Array(k.memory.buffer, idxPtr, n + 8).set(Int32Array.from({ length: n + 8 }, (_, j) => (j * 5) % n));
      const c = idxPtr + 4096;
      if (gather) {
        k.gemmIdx(4, n, d * 4, 0, d * ea, bPtr, d * 4, c, n * 8, idxPtr);
        k.gemvIdx(1, n, d * 4, 4 * d * ea, d * ea, bPtr, d * 4, c + 4 * n * 8, n * 8, idxPtr);
      } else {
        k.gemm(4, n, d * 4, 0, d * ea, bPtr, d * 4, c, n * 8);
        k.gemv(1, n, d * 4, 4 * d * ea, d * ea, bPtr, d * 4, c + 4 * n * 8, n * 8);
      }
      return Array.from(new Float64Array(k.memory.buffer, c, m * n));
    };
    expect(typeof wasmRelaxedSimd()).toBe('boolean');
    const want = run('f64-mixed');
    expect(run('f64-mixed', EXPLAIN_KERNEL_VARIANT)).toEqual(want);
    expect(run('f64-mixed', EXPLAIN_KERNEL_VARIANT, false, 2)).toEqual(want); // the fused 2×4 tile
    expect(run('f64-mixed', EXPLAIN_KERNEL_VARIANT, true)).toEqual(run('f64-mixed', undefined, true));
    expect(want.slice(4 * n).some((v) => v !== 0)).toBe(true); // the gemv row is covered
    if (wasmRelaxedSimd()) {
      const fused = wasmGemmF32Bytes('f64-mixed', { rows: 4, cols: 2 }, { fused: true });
      expect(fused).not.toEqual(wasmGemmF32Bytes('f64-mixed', { rows: 4, cols: 2 }));
      expect(WebAssembly.validate(fused)).toBe(true);
    }
    expectClose(run('f32', EXPLAIN_KERNEL_VARIANT), want, { rtol: 1e-5, atol: 1e-5 });
  });

  it('gathers the B rows named by an index table (gemmIdx)', () => {
    const [m, d] = [4, 8];
    const k = createWasmGemmF32('f64');
    expect(k).not.toBeNull();
    if (k === null) return;
    const f = new Float32Array(k.memory.buffer);
    for (let q = 0; q < (m + 12) * d; q++) f[q] = Math.cos(q * 0.37) * 2;
    const idx = Int32Array.from([7, 0, 3, 3, 9, 1, 2, 8]);
    const idxPtr = 4096;
    new Int32Array(k.memory.buffer, idxPtr, idx.length).set(idx);
    const c = 8192;
    k.gemmIdx(m, idx.length, d * 4, 0, d * 4, m * d * 4, d * 4, c, idx.length * 8, idxPtr);
    const got = Array.from(new Float64Array(k.memory.buffer, c, m * idx.length));
    k.gemm(m, 12, d * 4, 0, d * 4, m * d * 4, d * 4, c, 12 * 8); // all 12 B rows in order
    const all = new Float64Array(k.memory.buffer, c, m * 12);
    const want: number[] = [];
    for (let i = 0; i < m; i++) for (const j of idx) want.push(all[i * 12 + j] as number);
    expect(got).toEqual(want);
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

  it('touch reads the first vector of each 64-byte line of a range and stores their sum', () => {
    const k = createWasmGemmF32('f32') as WasmGemmF32;
    k.memory.grow(1);
    const f = new Float32Array(k.memory.buffer, 0, 256); // 16 lines of 16 floats
    f.forEach((_, q) => (f[q] = q));
    k.touch(64 * 2, 64 * 7, 4096); // lines 2..6
    const want = [0, 1, 2, 3].map((lane) => [2, 3, 4, 5, 6].reduce((s, line) => s + line * 16 + lane, 0));
    expect(Array.from(new Float32Array(k.memory.buffer, 4096, 4))).toEqual(want);
    expect(f[32]).toBe(32); // the range itself unchanged
  });
});
