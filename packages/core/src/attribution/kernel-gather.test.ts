import { describe, expect, it } from 'vitest';
import { createSyntheticModel } from '../model/synthetic.js';
import { explain } from './explain.js';
import { classColumns, forEachGatheredBlock, gatheredFraction } from './kernel-gather.js';
import type { ExplainOptions } from './options.js';

// Rows of α made sparse across classes (each support vector keeps its two largest |α|), as
// Crammer–Singer duals mostly are; the sums stay valid attributions of the modified model.
function classSparse(seed: number, d = 21): ReturnType<typeof createSyntheticModel> {
  const s = createSyntheticModel({ n: 260, d, K: 5, seed });
  const a = s.model.svAlpha;
  for (let j = 0; j < a.length / 5; j++) {
    const row = [0, 1, 2, 3, 4].sort((x, y) => Math.abs(a[j * 5 + y] as number) - Math.abs(a[j * 5 + x] as number));
    for (const c of row.slice(2)) a[j * 5 + c] = 0;
  }
  return s;
}

describe('class-gathered explain path', () => {
  it('lists the support vectors with non-zero α per class', () => {
    const alpha = Float64Array.from([1, 0, 0, 0, -2, 3]); // 3 SVs, K = 2
    const cc = classColumns(alpha, 2);
    expect(Array.from(cc.start)).toEqual([0, 2, 3]); // class 0: SV 0 and 2; class 1: SV 2
    expect(Array.from(cc.cols)).toEqual([0, 2, 2]);
    expect(gatheredFraction(cc, Int32Array.from([0, 1]), 2, 3)).toBeCloseTo(0.5, 12);
  });

  it.each<[string, ExplainOptions]>([
    ['SIMD float64', {}],
    ['SIMD float32', { precision: 'float32' }],
    ['scalar', { backend: 'js' }],
  ])('gives the full path results (%s), mixed targets, odd batch, partial blocks', (_, opts) => {
    const { model, features } = classSparse(4);
    const cc = classColumns(model.svAlpha, 5);
    const B = 11;
    const test = { data: features.slice(0, B * 21), shape: [B, 21] };
    const targets = Int32Array.from({ length: B }, (_, t) => (t * 3) % 5);
    expect(gatheredFraction(cc, targets, B, model.svIndices.length)).toBeLessThan(0.8); // path taken
    const o = { ...opts, targets, topK: 5, blockSize: 12 };
    const gathered = explain(model, test, o);
    const full = explain(model, test, { ...o, mode: 'dense' }); // dense mode takes the full path
    expect(gathered.rows.map((r) => [r.proponents, r.opponents])).toEqual(full.rows.map((r) => [r.proponents, r.opponents]));
    expect(gathered.rows.map((r) => r.rowSum)).toEqual(full.rows.map((r) => r.rowSum));
    expect(gathered.rows[0]?.proponents.length).toBeGreaterThan(0);
  });

  // d = 2,048: windows of 48 positions (384 KiB of rows) cut each 64-position block in two, so a
  // row's block sum is carried from one window to the next.
  it.each<[string, ExplainOptions]>([
    ['SIMD float64', {}],
    ['SIMD float32', { precision: 'float32' }],
    ['scalar', { backend: 'js' }],
  ])('gives the full path results bitwise when windows split the blocks (%s)', (_, opts) => {
    const d = 2048;
    const { model, features } = classSparse(6, d);
    const B = 9;
    const targets = Int32Array.from({ length: B }, (_, t) => (t * 2) % 5);
    const test = { data: features.slice(0, B * d), shape: [B, d] };
    const o = { ...opts, targets, topK: 4, blockSize: 64 };
    const gathered = explain(model, test, o);
    const full = explain(model, test, { ...o, mode: 'dense' });
    expect(gathered.rows).toEqual(full.rows);
  });

  it('visits each class group its columns once, in order, in windows inside blocks', () => {
    const { model } = classSparse(3);
    const cc = classColumns(model.svAlpha, 5);
    const nSV = model.svIndices.length;
    const targets = Int32Array.from([4, 0, 0, 2, 4, 1]);
    const order = Int32Array.from([1, 2, 5, 3, 0, 4]); // grouped by class
    const seen = new Map<number, number[]>();
    const calls: [number, number][] = [];
    let blocks = 0;
    // dim 16,384: windows of floor(384 KiB / 64 KiB) = 6 positions inside blocks of 10.
    const windows: [number, number][] = [];
    forEachGatheredBlock(cc, targets, order, 6, nSV, 16384, 10, {
      window: (w0, w1) => windows.push([w0, w1]),
      group: (r0, r1, c0, nb, lo, hi) => {
        const c = targets[order[r0] as number] as number;
        expect([lo, hi]).toEqual([cc.start[c], cc.start[c + 1]]);
        const cols = Array.from(cc.cols.subarray(c0, c0 + nb));
        const [w0, w1] = windows.at(-1) as [number, number];
        expect((cols[0] as number) >= w0 && (cols[nb - 1] as number) < w1).toBe(true); // in the window
        seen.set(c, [...(seen.get(c) ?? []), ...cols]);
        calls.push([r0, r1]);
      },
      blockEnd: () => blocks++,
    });
    // Windows of 6 then 4 positions tile each 10-position block.
    expect(windows.slice(0, 3)).toEqual([[0, 6], [6, 10], [10, 16]]);
    expect(blocks).toBe(Math.ceil(nSV / 10));
    for (const c of [0, 1, 2, 4]) expect(seen.get(c)).toEqual(Array.from(cc.cols.subarray(cc.start[c], cc.start[c + 1])));
    expect(new Set(calls.map((x) => x.join()))).toEqual(new Set(['0,2', '2,3', '3,4', '4,6']));
  });

  it.each<[string, ExplainOptions]>([
    ['SIMD float64', {}],
    ['SIMD float32', { precision: 'float32' }],
  ])('gives a single query (panels, wasm-panel-gemv.ts) bitwise its row of the batch on the gathered path (%s)', (_, opts) => {
    const { model, features } = classSparse(9);
    const B = 7;
    const targets = Int32Array.from({ length: B }, (_, t) => (t * 2) % 5);
    const o = { ...opts, topK: 6, blockSize: 16 };
    const batch = explain(model, { data: features.slice(0, B * 21), shape: [B, 21] }, { ...o, targets });
    for (let t = 0; t < B; t++) {
      const one = explain(model, { data: features.slice(t * 21, (t + 1) * 21), shape: [1, 21] }, { ...o, targets: targets.slice(t, t + 1) });
      expect(one.rows[0]).toEqual(batch.rows[t]);
    }
  });
});
