/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { createXdaModel, explainPair, explainPrediction, explainTopK, extractFeatures } from '../src/index.js';
import type { ModelInput, XdaModel } from '../src/index.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from './random-models.js';

const test: ModelInput = { ids: [1, 5, 7, 9, 2], tokens: ['[CLS]', 'a', 'b', 'c', '[SEP]'] };
const trains: ModelInput[] = [{ ids: [1, 4, 3, 2] }, { ids: [1, 11, 12, 13, 14, 15, 16, 2] }, { ids: [1, 20, 2] }];
const alphas = [0.7, -1.5, 0.25];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each([
  ['bert', () => createModel('bert')],
  ['llama', () => createModel('llama')],
] as const)('%s XDA', (_name, make) => {
  const model: XdaModel = make();

  it.each([['attnlrp', 0, 'per-position'], ['cp-lrp', 0, 'word'], ['attnlrp', 0.05, 'word'], ['cp-lrp', 0.05, 'per-position']] as const)('%s eps=%s %s: tokens + stated absorption = attribution on every heatmap', (variant, epsilon, mode) => {
    const pairs = explainTopK(model, test, trains, { alphas, variant, epsilon, mode });
    const [fTest, ...fTrain] = extractFeatures(model, [test, ...trains]);
    pairs.forEach((p, i) => {
      const kernel = fTest!.reduce((s, v, k) => s + v * fTrain[i]![k]!, 0);
      expect(p.kernel).toBeCloseTo(kernel, 5);
      expect(p.attribution).toBeCloseTo(alphas[i]! * kernel, 5);
      for (const side of [p.test!, p.train!]) {
        expect(side.target).toBeCloseTo(p.attribution, 4);
        expect(side.mode).toBe(mode);
        // Fails for a wrong rule (test/conservation.test.ts registers some and sees it fail).
        expect(side.residual).toBeLessThanOrEqual(1e-3);
        expect(Number.isFinite(side.tokenSum)).toBe(true);
      }
      expect(p.train!.relevance.length).toBe(trains[i]!.ids.length);
    });
    expect(pairs[0]!.test!.tokens).toEqual(test.tokens);
  });

  it('CP-LRP puts no relevance through the attention scores; AttnLRP does', () => {
    const cp = explainPair(model, test, trains[0]!, { variant: 'cp-lrp' }).test!;
    const attn = explainPair(model, test, trains[0]!, { variant: 'attnlrp' }).test!;
    expect(cp.absorbed.softmax).toBe(0);
    expect(Math.abs(attn.absorbed.softmax)).toBeGreaterThan(0);
  });

  it('batched top-k equals one explainPair per training example (padding does not leak)', () => {
    const batched = explainTopK(model, test, trains, { alphas });
    trains.forEach((tr, i) => {
      const single = explainPair(model, test, tr, { alpha: alphas[i] });
      expectClose(batched[i]!.test!.relevance, single.test!.relevance, { rtol: 1e-4, atol: 1e-6 });
      expectClose(batched[i]!.train!.relevance, single.train!.relevance, { rtol: 1e-4, atol: 1e-6 });
    });
  });

  it('alpha scales and flips both maps; side selects which maps are computed', () => {
    const base = explainPair(model, test, trains[1]!, { alpha: 1 });
    const neg = explainPair(model, test, trains[1]!, { alpha: -2, side: 'train' });
    expect(neg.test).toBeUndefined();
    expectClose(neg.train!.relevance, base.train!.relevance.map((r) => -2 * r), { rtol: 1e-4, atol: 1e-6 });
    expect(explainPair(model, test, trains[1]!, { side: 'test' }).train).toBeUndefined();
  });

  it('sum over training examples of test-side maps equals the LRP map of the surrogate output', () => {
    // Surrogate class score for the test input: Σ_i α_i ⟨f_test, f_i⟩ = ⟨f_test, coef⟩ with coef = Σ_i α_i f_i.
    const fTrain = extractFeatures(model, trains);
    const coef = new Float32Array(model.featureSize);
    fTrain.forEach((f, i) => f.forEach((v, k) => (coef[k] = coef[k]! + alphas[i]! * v)));
    for (const variant of ['attnlrp', 'cp-lrp'] as const) {
      const pairs = explainTopK(model, test, trains, { alphas, variant, side: 'test' });
      const summed = new Float64Array(test.ids.length);
      pairs.forEach((p) => p.test!.relevance.forEach((r, j) => (summed[j] = summed[j]! + r)));
      const surrogate = explainPrediction(model, test, { head: { weight: coef }, classIndex: 0, variant });
      expect(surrogate.target).toBeCloseTo(pairs.reduce((s, p) => s + p.attribution, 0), 4);
      expectClose(summed, surrogate.relevance, { rtol: 1e-3, atol: 1e-5 });
    }
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    explainTopK(model, test, trains, { alphas });
    explainPrediction(model, test, { head: { weight: new Float32Array(model.featureSize).fill(0.5), bias: new Float32Array([0.1]) } });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('explains a prediction of the embedded head with conservation', () => {
    const pred = explainPrediction(model, test);
    expect(pred.classIndex).toBe(pred.logits.indexOf(Math.max(...pred.logits)));
    expect(pred.target).toBeCloseTo(pred.logits[pred.classIndex]!, 5);
    expect(pred.residual).toBeLessThanOrEqual(1e-3);
  });
});

function createModel(kind: 'bert' | 'llama'): XdaModel {
  return kind === 'bert' ? createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG) : createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG);
}
