/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { createXdaModel, explainTopK, useXdaBackend } from '../src/index.js';
import type { ExplainTopKOptions, ModelInput, TokenRelevance } from '../src/index.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from './random-models.js';

// `side: 'both'` runs test and train rows as one batch whose readout reads each row's partner
// features inside the pass; one side alone still runs the feature forward and a pass per side.
// Both must give the same maps (different padding only changes float32 rounding).
const test: ModelInput = { ids: [1, 5, 7, 9, 2] };
const trains: ModelInput[] = [{ ids: [1, 4, 3, 2] }, { ids: [1, 11, 12, 13, 14, 15, 16, 2] }, { ids: [1, 20, 2] }];
const alphas = [0.7, -1.5, 0.25];

afterAll(async () => {
  await tf.setBackend('cpu');
});

function same(a: TokenRelevance, b: TokenRelevance): void {
  const scale = Math.max(...Array.from(b.relevance, Math.abs), Math.abs(b.target));
  expectClose(a.relevance, b.relevance, { rtol: 1e-5, atol: 1e-5 * scale });
  expect(a.target).toBeCloseTo(b.target, 5);
  for (const [place, v] of Object.entries(b.absorbed)) expect(a.absorbed[place as keyof typeof a.absorbed]).toBeCloseTo(v, 4);
}

describe.each(['cpu', 'wasm'] as const)('one relevance pass for both sides (%s)', (backend) => {
  it.each([
    ['bert', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG), {}],
    ['bert cp-lrp eps word', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG), { variant: 'cp-lrp', epsilon: 0.05, mode: 'word' }],
    ['llama', () => createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG), {}],
    ['llama token rows', () => createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG), { testPosition: 2, trainPositions: [1, 5, 0] }],
  ] as const)('%s: equals the per-side passes', async (_name, make, options: ExplainTopKOptions) => {
    await useXdaBackend(backend);
    const model = make();
    const both = explainTopK(model, test, trains, { ...options, alphas });
    const testOnly = explainTopK(model, test, trains, { ...options, alphas, side: 'test' });
    const trainOnly = explainTopK(model, test, trains, { ...options, alphas, side: 'train' });
    // The forward tensors the rules read are held by reference during the pass and freed after it.
    const before = tf.memory().numTensors;
    explainTopK(model, test, trains, { ...options, alphas });
    expect(tf.memory().numTensors).toBe(before);
    both.forEach((p, i) => {
      expect(p.kernel).toBeCloseTo(testOnly[i]!.kernel, 5);
      same(p.test!, testOnly[i]!.test!);
      same(p.train!, trainOnly[i]!.train!);
    });
    model.dispose();
  });
});
