import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { createSyntheticModel } from '../model/synthetic.js';
import type { DualDAModel } from '../model/types.js';
import { explain, scatterToTraining } from './explain.js';
import { explainBatchInto } from './kernel.js';
import { createExplainWorkspace } from './workspace.js';
import { DEFAULT_EXPLAIN_OPTIONS, resolveExplainOptions } from './options.js';

const tiny: DualDAModel = {
  svIndices: Int32Array.from([1, 3]),
  svIds: ['b', 'd'],
  // sv0 (label 0): α = [0.5, -0.5]; sv1 (label 1): α = [-0.2, 0.2]
  svAlpha: Float64Array.from([0.5, -0.5, -0.2, 0.2]),
  svFeatures: Float32Array.from([1, 0, 0, 2]),
  svNorms: Float32Array.from([1, 2]),
  weights: Float64Array.from([0.5, -0.4, -0.5, 0.4]),
  bias: Float64Array.from([0.3, -0.3]),
  C: 1,
  classNames: ['neg', 'pos'],
  diagnostics: {},
  modelHash: 'h',
  datasetRevision: 'r',
};

describe('explain', () => {
  it('computes α[i,c]·<f,x_i> by hand on a 2-SV model', () => {
    // f = [2, 1]: kernel = [2, 2]; class 0 (logits 0.9+0.3 vs -0.6-0.3): A = [1.0, -0.4]
    const r = explain(tiny, { data: Float32Array.from([2, 1]), shape: [1, 2] }, { topK: 3, mode: 'dense' });
    expect(r.targets[0]).toBe(0);
    expect(r.rows[0]?.proponents).toEqual([{ index: 1, id: 'b', score: 1 }]);
    expectClose([r.rows[0]?.opponents[0]?.score ?? NaN], [-0.4]);
    expect(r.rows[0]?.opponents[0]?.id).toBe('d');
    expectClose(r.dense ?? [], [1, -0.4]);
    expectClose([r.rows[0]?.rowSum ?? NaN], [0.6]);
    // Explicit target 1 flips the signs.
    const r1 = explain(tiny, { data: Float32Array.from([2, 1]), shape: [1, 2] }, { targets: Int32Array.from([1]) });
    expect(r1.rows[0]?.proponents.map((a) => a.id)).toEqual(['d']);
    expect(r1.rows[0]?.opponents.map((a) => a.id)).toEqual(['b']);
  });

  it('keeps the identity rowSum == weights[c]·f to 1e-6 and matches a dense reference', () => {
    const { model, features, labels } = createSyntheticModel({ n: 300, d: 37, K: 5, seed: 3 });
    const B = 7;
    const test = features.slice(0, B * 37);
    const r = explain(model, { data: test, shape: [B, 37] }, { topK: 4, mode: 'dense', blockSize: 16 });
    expect(labels.length).toBe(300);
    const nSV = model.svIndices.length;
    for (let t = 0; t < B; t++) {
      const c = r.targets[t] as number;
      let wf = 0;
      for (let q = 0; q < 37; q++) wf += (model.weights[c * 37 + q] as number) * (test[t * 37 + q] as number);
      expect(Math.abs((r.rows[t]?.rowSum ?? NaN) - wf)).toBeLessThan(1e-6 * Math.max(1, Math.abs(wf)));
      // Reference scores and top-k from a plain loop.
      const scores: { index: number; score: number }[] = [];
      for (let j = 0; j < nSV; j++) {
        let g = 0;
        for (let q = 0; q < 37; q++) g += (test[t * 37 + q] as number) * (model.svFeatures[j * 37 + q] as number);
        scores.push({ index: model.svIndices[j] as number, score: (model.svAlpha[j * 5 + c] as number) * g });
      }
      expectClose(r.dense?.subarray(t * nSV, (t + 1) * nSV) ?? [], scores.map((s) => s.score), { rtol: 1e-10, atol: 1e-12 });
      const pro = scores.filter((s) => s.score > 0).sort((a, b) => b.score - a.score).slice(0, 4);
      expect(r.rows[t]?.proponents.map((a) => a.index)).toEqual(pro.map((s) => s.index));
      const opp = scores.filter((s) => s.score < 0).sort((a, b) => a.score - b.score).slice(0, 4);
      expect(r.rows[t]?.opponents.map((a) => a.index)).toEqual(opp.map((s) => s.index));
    }
    const full = scatterToTraining(r.dense ?? new Float64Array(0), model.svIndices, B, 300);
    const nonSv = [...Array(300).keys()].find((i) => !model.svIndices.includes(i)) ?? -1;
    expect(full[nonSv]).toBe(0);
  });

  it('defaults targets to the surrogate argmax W f + b', () => {
    const { model, features } = createSyntheticModel({ n: 60, d: 8, K: 3, seed: 5 });
    const r = explain(model, { data: features.slice(0, 40), shape: [5, 8] }, { topK: 0 });
    for (let t = 0; t < 5; t++) {
      const z = [0, 1, 2].map((m) => (model.bias[m] as number) + [...Array(8).keys()].reduce((s, q) => s + (model.weights[m * 8 + q] as number) * (features[t * 8 + q] as number), 0));
      expect(r.targets[t]).toBe(z.indexOf(Math.max(...z)));
      expect(r.rows[t]?.proponents).toEqual([]);
    }
  });

  it('reads strided test rows (every other row of a bigger matrix)', () => {
    const { model, features } = createSyntheticModel({ n: 40, d: 6, K: 3, seed: 9 });
    const packed = new Float32Array(12);
    packed.set(features.subarray(0, 6), 0);
    packed.set(features.subarray(12, 18), 6);
    const a = explain(model, { data: packed, shape: [2, 6] }, { mode: 'dense' });
    const b = explain(model, { data: features, shape: [2, 6], stride: [12, 1] }, { mode: 'dense' });
    expectClose(b.dense ?? [], a.dense ?? [], { rtol: 1e-12, atol: 0 });
  });

  it('rejects bad shapes and options with messages naming them', () => {
    expect(() => explain(tiny, { data: new Float32Array(3), shape: [1, 3] })).toThrow(/testFeatures/);
    expect(() => explain(tiny, { data: new Float32Array(2), shape: [1, 2] }, { targets: Int32Array.from([2]) })).toThrow(/targets/);
    expect(() => explain(tiny, { data: new Float32Array(2), shape: [1, 2] }, { topK: -1 })).toThrow(/topK/);
    expect(() => explain({ ...tiny, bias: new Float64Array(3) }, { data: new Float32Array(2), shape: [1, 2] })).toThrow(/bias/);
    const view = { data: new Float32Array(4), rows: 2, dim: 2, rowStride: 2, colStride: 1, offset: 0 };
    expect(() => explainBatchInto(tiny, 2, view, createExplainWorkspace(1, 1, 4))).toThrow(/maxRows/);
  });

  it('gives the same scores with the SIMD and scalar kernels at odd sizes; float32 stays within 1e-5', () => {
    const { model, features } = createSyntheticModel({ n: 203, d: 29, K: 4, seed: 21 });
    const test = { data: features.slice(0, 7 * 29), shape: [7, 29] };
    const js = explain(model, test, { mode: 'dense', backend: 'js', blockSize: 12 });
    const simd = explain(model, test, { mode: 'dense', blockSize: 12 });
    const odd = explain(model, test, { mode: 'dense', blockSize: 13 }); // not a multiple of 4: scalar fallback
    expectClose(simd.dense ?? [], js.dense ?? [], { rtol: 1e-12, atol: 1e-14 });
    expectClose(odd.dense ?? [], js.dense ?? [], { rtol: 1e-12, atol: 1e-14 });
    expect(simd.rows.map((r) => r.proponents.map((a) => a.index))).toEqual(js.rows.map((r) => r.proponents.map((a) => a.index)));
    const f32 = explain(model, test, { mode: 'dense', precision: 'float32' });
    expectClose(f32.dense ?? [], js.dense ?? [], { rtol: 1e-5, atol: 1e-6 });
  });

  it('gives a single query bitwise the scores of the same row in a batch (SIMD float64: 1-row and 4-row tiles)', () => {
    const { model, features } = createSyntheticModel({ n: 301, d: 45, K: 3, seed: 5 });
    const B = 9;
    const test = { data: features.slice(0, B * 45), shape: [B, 45] };
    const targets = Int32Array.from({ length: B }, (_, t) => t % 3);
    for (const mode of ['dense', 'top'] as const) {
      const batch = explain(model, test, { mode, targets, blockSize: 20 });
      for (const t of [0, 4, 8]) {
        const one = explain(model, { data: features.slice(t * 45, (t + 1) * 45), shape: [1, 45] }, { mode, targets: targets.slice(t, t + 1), blockSize: 20 });
        expect(one.rows[0]).toEqual(batch.rows[t]);
        if (mode === 'dense') expect(one.dense).toEqual(batch.dense?.slice(t * model.svIndices.length, (t + 1) * model.svIndices.length));
      }
    }
  });

  it('handles a model without support vectors and an empty batch', () => {
    const empty = { ...tiny, svIndices: new Int32Array(0), svIds: [], svAlpha: new Float64Array(0), svFeatures: new Float32Array(0), svNorms: new Float32Array(0) };
    const r = explain(empty, { data: Float32Array.from([2, 1]), shape: [1, 2] }, { mode: 'dense' });
    expect(r.rows[0]).toEqual({ target: 0, rowSum: 0, proponents: [], opponents: [] });
    expect(explain(tiny, { data: new Float32Array(0), shape: [0, 2] }).rows).toEqual([]);
  });

  it('documents the defaults it applies', () => {
    const { targets, ...rest } = resolveExplainOptions({}, 1, 2);
    expect(targets).toBeUndefined();
    expect(rest).toEqual(DEFAULT_EXPLAIN_OPTIONS);
    expect(() => resolveExplainOptions({ precision: 'float32', backend: 'js' }, 1, 2)).toThrow(/precision/);
  });
});
