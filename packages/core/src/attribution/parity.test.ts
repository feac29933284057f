import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import type { DualDAModel } from '../model/types.js';
import { sparsityHoyer, sparsityL0 } from '../eval/sparsity.js';
import { surrogateFaithfulness } from '../eval/faithfulness.js';
import { explain, scatterToTraining } from './explain.js';
import { globalAttributions } from './global.js';
import { selfInfluence } from './self-influence.js';

// Produced by tools/fixtures/eval/generate.py (numpy/scipy/sklearn).
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/dualda-explain.json', import.meta.url), 'utf8')) as {
  n: number; d: number; K: number; B: number; C: number;
  features: number[]; labels: number[]; alpha: number[]; svIndices: number[]; weights: number[]; bias: number[]; norms: number[];
  testFeatures: number[]; targets: number[]; argmaxTargets: number[]; attributions: number[]; rowSums: number[];
  selfInfluence: number[]; selfInfluenceNorm: number[]; sparsityL0: number; sparsityHoyer: number;
  netWeights: number[]; netLogits: number[]; faithfulness: Record<string, number>;
};
const { n, d, K, B } = fx;

function fixtureModel(): DualDAModel {
  const sv = fx.svIndices;
  return {
    svIndices: Int32Array.from(sv),
    svIds: sv.map((i) => `train-${i}`),
    svAlpha: Float64Array.from(sv.flatMap((i) => fx.alpha.slice(i * K, (i + 1) * K))),
    svFeatures: Float32Array.from(sv.flatMap((i) => fx.features.slice(i * d, (i + 1) * d))),
    svNorms: Float32Array.from(sv.map((i) => fx.norms[i] as number)),
    weights: Float64Array.from(fx.weights),
    bias: Float64Array.from(fx.bias),
    C: fx.C,
    classNames: ['a', 'b', 'c'],
    diagnostics: {},
    modelHash: 'm',
    datasetRevision: 'r',
  };
}
const test = { data: Float32Array.from(fx.testFeatures), shape: [B, d] };

describe('DualDA attribution parity with numpy (dualda.md §1.6, §1.7, §1.9, §1.10)', () => {
  const model = fixtureModel();
  const r = explain(model, test, { targets: Int32Array.from(fx.targets), mode: 'dense', topK: 3 });
  const full = scatterToTraining(r.dense ?? new Float64Array(0), model.svIndices, B, n);

  it('matches A = (F Xᵀ) ⊙ α[:, c]ᵀ and its row sums', () => {
    expectClose(full, fx.attributions, { rtol: 1e-9, atol: 1e-12 });
    expectClose(r.rows.map((row) => row.rowSum), fx.rowSums, { rtol: 1e-9, atol: 1e-12 });
    expect(r.rows[0]?.proponents[0]?.id).toMatch(/^train-/);
  });

  it('defaults to the surrogate argmax as numpy computes it', () => {
    expect([...explain(model, test).targets]).toEqual(fx.argmaxTargets);
  });

  it('matches both self-influence variants, with and without labels', () => {
    expectClose(selfInfluence(model, n), fx.selfInfluence, { rtol: 1e-6, atol: 1e-12 });
    expectClose(selfInfluence(model, n, { labels: Int32Array.from(fx.labels) }), fx.selfInfluence, { rtol: 1e-6, atol: 1e-12 });
    expectClose(selfInfluence(model, n, { variant: 'norm' }), fx.selfInfluenceNorm, { rtol: 1e-6, atol: 1e-12 });
  });

  it('matches the sparsity metrics over full n-column rows', () => {
    expectClose([sparsityL0({ data: full, shape: [B, n] }).mean], [fx.sparsityL0], { rtol: 1e-12, atol: 1e-12 });
    expectClose([sparsityHoyer({ data: full, shape: [B, n] }).mean], [fx.sparsityHoyer], { rtol: 1e-9, atol: 1e-12 });
  });

  it('matches surrogate faithfulness (sklearn MCC, scipy Kendall tau-b)', () => {
    const f = surrogateFaithfulness({ netWeights: fx.netWeights, svmWeights: fx.weights, features: fx.features, netLogits: fx.netLogits, classes: K, dim: d });
    expectClose([f.weightCosine, f.logitCosine, f.mcc, f.kendallTau], [fx.faithfulness.weightCosine, fx.faithfulness.logitCosine, fx.faithfulness.mcc, fx.faithfulness.kendallTau].map(Number), { rtol: 1e-9, atol: 1e-12 });
  });

  it('sums |A| per support vector and class in global attributions', () => {
    const g = globalAttributions(model, test, { targets: Int32Array.from(fx.targets), batchRows: 2 });
    const nSV = model.svIndices.length;
    const want = new Float64Array(nSV * K);
    for (let t = 0; t < B; t++) {
      for (let j = 0; j < nSV; j++) {
        const c = fx.targets[t] as number;
        want[j * K + c] = (want[j * K + c] as number) + Math.abs(fx.attributions[t * n + (model.svIndices[j] as number)] as number);
      }
    }
    expectClose(g.perClass, want, { rtol: 1e-9, atol: 1e-12 });
    const signed = globalAttributions(model, test, { targets: Int32Array.from(fx.targets), absolute: false });
    expect(signed.total.some((v) => v < 0)).toBe(true);
  });
});
