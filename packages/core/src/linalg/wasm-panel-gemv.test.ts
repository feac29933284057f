import { describe, expect, it } from 'vitest';
import { createWasmGemmF32, EXPLAIN_KERNEL_VARIANT, F64_FUSED_GEMM_TILE } from './wasm-gemm-f32.js';
import { createPanelGemv, PANEL_ROWS, type PanelAccumulation } from './wasm-panel-gemv.js';

/** ⟨q, rows[j]⟩ from the row-major 1-row kernel (gemvIdx) of the same mode. */
function rowMajor(acc: PanelAccumulation, src: Float32Array, dim: number, q: Float32Array, rows: Int32Array): number[] {
  const k = createWasmGemmF32(acc, F64_FUSED_GEMM_TILE, acc === 'f32' ? { ...EXPLAIN_KERNEL_VARIANT, fused: false } : EXPLAIN_KERNEL_VARIANT);
  if (k === null) throw new Error('no WebAssembly SIMD');
  const d4 = Math.ceil(dim / 4) * 4;
  const n = src.length / dim;
  const gv = EXPLAIN_KERNEL_VARIANT.gemvCols;
  const nPad = Math.ceil(rows.length / gv) * gv;
  const qElem = acc === 'f32' ? 4 : 8;
  const aPtr = (n + 16) * d4 * 4;
  const cPtr = aPtr + d4 * qElem;
  const iPtr = cPtr + nPad * 8;
  k.memory.grow(Math.ceil((iPtr + (nPad + 16) * 4) / 65536));
  const b = new Float32Array(k.memory.buffer, 0, n * d4);
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) b[r * d4 + j] = src[r * dim + j] as number;
  const a = acc === 'f32' ? new Float32Array(k.memory.buffer, aPtr, d4) : new Float64Array(k.memory.buffer, aPtr, d4);
  for (let j = 0; j < dim; j++) a[j] = q[j] as number;
  const idx = new Int32Array(k.memory.buffer, iPtr, nPad + 16);
  idx.set(rows);
  idx.fill(rows[0] as number, rows.length);
  k.gemvIdx(1, nPad, d4 * 4, aPtr, d4 * qElem, 0, d4 * 4, cPtr, nPad * 8, iPtr);
  return Array.from(new Float64Array(k.memory.buffer, cPtr, rows.length));
}

describe('panel gemv (single queries)', () => {
  for (const acc of ['f64-mixed', 'f32'] as const) {
    it(`${acc}: bitwise the row-major 1-row kernel, for any row list, range start and dim`, () => {
      for (const dim of [1, 3, 4, 13, 64]) {
        const n = 45;
        const src = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i * 0.731) * 3);
        const q = Float32Array.from({ length: dim }, (_, i) => Math.cos(i * 1.37));
        // Gathered with gaps and repeats, as class-column lists are concatenated by class.
        const rows = Int32Array.from([...Array.from({ length: 30 }, (_, i) => (i * 7) % n), 0, 44, 44, 1]);
        const pg = createPanelGemv(acc, src, dim, rows.length, rows);
        expect(pg).not.toBeNull();
        if (pg === null) return;
        expect(pg.panels).toBe(Math.ceil(rows.length / PANEL_ROWS));
        pg.setQuery(q, 0, 1, dim, 'me');
        const want = rowMajor(acc, src, dim, q, rows);
        expect(want.some((v) => v !== 0)).toBe(true);
        for (const [p0, len] of [[0, rows.length], [3, 9], [8, 8], [13, 1], [rows.length - 2, 2]] as const) {
          const out = new Float64Array(len + 2).fill(Number.NaN);
          pg.run(p0, len, out, 1);
          expect(Array.from(out.subarray(1, len + 1))).toEqual(want.slice(p0, p0 + len));
          expect(out[0]).toBeNaN();
          expect(out[len + 1]).toBeNaN();
        }
      }
    });
  }

  it('packs rows in order without a list, over more panels than one call computes, with a strided query', () => {
    const dim = 5, n = 700;
    const src = Float32Array.from({ length: n * dim }, (_, i) => ((i * 37) % 101) / 17 - 3);
    const pg = createPanelGemv('f64-mixed', src, dim, n);
    if (pg === null) throw new Error('no WebAssembly SIMD');
    const strided = new Float32Array(dim * 3);
    for (let j = 0; j < dim; j++) strided[1 + 3 * j] = j - 2.5;
    pg.setQuery(strided, 1, 3, dim, 'x');
    expect(pg.queryOwner).toBe('x');
    const out = new Float64Array(n);
    pg.run(0, n, out, 0);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (src[r * dim + j] as number) * (j - 2.5);
      expect(out[r]).toBeCloseTo(s, 10);
    }
    expect(() => pg.run(n - 1, 2, out, 0)).toThrow(/outside the 700 packed rows/);
  });
});
