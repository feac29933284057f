/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createXdaModel, explainPrediction, explainTopK, useXdaBackend } from '../src/index.js';
import type { ExplainTopKOptions, ModelInput, TokenRelevance } from '../src/index.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from './random-models.js';

// `layerwise: 'always'` runs the forward without a tape and then each layer's forward and backward
// again, one at a time: the same kernels in the same order, so the same maps bit for bit.
const test: ModelInput = { ids: [1, 5, 7, 9, 2] };
const trains: ModelInput[] = [{ ids: [1, 4, 3, 2] }, { ids: [1, 11, 12, 13, 14, 15, 16, 2] }];
const alphas = [0.7, -1.5];

afterAll(async () => {
  await tf.setBackend('cpu');
});

function same(a: TokenRelevance, b: TokenRelevance): void {
  expect(Array.from(a.relevance)).toEqual(Array.from(b.relevance));
  expect(a.target).toBe(b.target);
  expect(a.absorbed).toEqual(b.absorbed);
}

describe.each(['cpu', 'wasm'] as const)('layer-by-layer relevance (%s)', (backend) => {
  it.each([
    ['bert', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG), {}],
    ['bert cp-lrp eps word', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG), { variant: 'cp-lrp', epsilon: 0.05, mode: 'word' }],
    ['bert one side', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG), { side: 'train' }],
    ['llama', () => createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG), {}],
    ['llama cp-lrp', () => createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG), { variant: 'cp-lrp' }],
    // Gemma: the √H embedding scale and (1 + w) norms are outside the steps' ops; the GELU-tanh gate inside.
    ['gemma', () => createXdaModel(tinyLlamaWeights(), { ...TINY_LLAMA_CONFIG, model_type: 'gemma', hidden_act: 'gelu_pytorch_tanh', head_dim: 2 }), {}],
  ] as const)('%s: equals the one-shot pass and frees every tensor', async (_name, make, options: ExplainTopKOptions) => {
    await useXdaBackend(backend);
    const model = make();
    const oneShot = explainTopK(model, test, trains, { ...options, alphas, layerwise: 'never' });
    const before = tf.memory().numTensors;
    const layered = explainTopK(model, test, trains, { ...options, alphas, layerwise: 'always' });
    expect(tf.memory().numTensors).toBe(before);
    layered.forEach((p, i) => {
      expect(p.kernel).toBe(oneShot[i]!.kernel);
      for (const side of ['test', 'train'] as const) if (p[side] !== undefined) same(p[side]!, oneShot[i]![side]!);
    });
    if (model.head !== undefined) {
      const a = explainPrediction(model, test, { layerwise: 'always' });
      const b = explainPrediction(model, test, { layerwise: 'never' });
      expect(a.classIndex).toBe(b.classIndex);
      same(a, b);
    }
    model.dispose();
  });

  it('token rows (a model wrapped at token positions, no steps) run the one-shot pass under always', async () => {
    await useXdaBackend(backend);
    const model = createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG);
    const opts = { alphas: [1], testPosition: 2, trainPositions: [1] };
    const [a] = explainTopK(model, test, trains.slice(0, 1), { ...opts, layerwise: 'always' });
    const [b] = explainTopK(model, test, trains.slice(0, 1), { ...opts, layerwise: 'never' });
    same(a!.test!, b!.test!);
    model.dispose();
  });

  it('names the option on a bad value', () => {
    const model = createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG);
    expect(() => explainTopK(model, test, trains, { alphas, layerwise: 'sometimes' as 'auto' })).toThrow(/layerwise/);
    model.dispose();
  });
});
