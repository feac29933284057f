import { describe, expect, it } from 'vitest';
import { createSpectrumAccumulator } from './spectrum-accumulator.js';
import { createSyrkWasm, SYRK_WASM_MAX_DIM } from './syrk-wasm.js';

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

describe('WebAssembly block product of the spectrum accumulator', () => {
  it('adds bitwise the sequential sums over the block rows to the upper triangle only, for any d', () => {
    const r = rand(5);
    for (const d of [1, 2, 3, 7, 8, 9, 17, 37, 80, 129]) {
      const k = createSyrkWasm(d, 256);
      expect(k).not.toBeNull();
      if (k === null) return;
      for (const m of [1, 5, 256]) {
        const rows = Array.from({ length: m }, () => Float64Array.from({ length: d }, () => r() * 100));
        for (let p = 0; p < m; p++) k.stage.set(rows[p] as Float64Array, p * k.dp);
        const start = Float64Array.from({ length: d * d }, () => r());
        const moment = start.slice();
        k.addUpper(m, d, moment);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            if (j < i) {
              expect(moment[i * d + j]).toBe(start[i * d + j]);
              continue;
            }
            let s = 0;
            for (let p = 0; p < m; p++) s += ((rows[p] as Float64Array)[i] as number) * ((rows[p] as Float64Array)[j] as number);
            expect(moment[i * d + j]).toBe((start[i * d + j] as number) + s);
          }
        }
      }
    }
  });

  it('serves padded dimensions up to its limit (the accumulator keeps the scalar kernel beyond it)', () => {
    expect(createSyrkWasm(SYRK_WASM_MAX_DIM, 4)?.dp).toBe(SYRK_WASM_MAX_DIM);
    expect(createSyrkWasm(SYRK_WASM_MAX_DIM - 3, 4)?.dp).toBe(SYRK_WASM_MAX_DIM);
    expect(createSyrkWasm(SYRK_WASM_MAX_DIM + 1, 4)).toBeNull();
    // Above the limit the accumulator still works (scalar kernel): rank-1 rows give one eigenvalue.
    const d = SYRK_WASM_MAX_DIM + 1;
    const acc = createSpectrumAccumulator(d);
    const row = Float64Array.from({ length: d }, (_, j) => (j % 3) - 1);
    acc.add({ data: Float64Array.from({ length: 3 * d }, (_, t) => (row[t % d] as number) * (1 + Math.floor(t / d))), shape: [3, d] });
    const sp = acc.finish().uncentred;
    expect(sp.participationRatio).toBeCloseTo(1, 9);
    expect(sp.trace).toBeGreaterThan(0);
  });
});
