/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { maxScaledError } from '@dualxda/core/testing';
import { createXdaModel, explainTopK, extractFeatures, resolveLinearPlacement, useXdaBackend } from '../src/index.js';
import type { ModelInput, TokenRelevance } from '../src/index.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from './random-models.js';

// Linear weights held in our own wasm memories (`resident`, what `auto` picks for 0.5B models)
// against tf tensors: the same model, so the same features and maps up to float32 summation order.
const test: ModelInput = { ids: [1, 5, 7, 9, 2] };
const trains: ModelInput[] = [{ ids: [1, 4, 3, 2] }, { ids: [1, 11, 12, 13, 14, 15, 16, 2] }];
const alphas = [0.7, -1.5];

afterAll(async () => {
  await tf.setBackend('cpu');
});

const close = (a: TokenRelevance, b: TokenRelevance) => {
  expect(maxScaledError(a.relevance, b.relevance)).toBeLessThan(1e-5);
  expect(Math.abs(a.target - b.target)).toBeLessThan(1e-5 * Math.abs(b.target) + 1e-7);
};

describe.each(['cpu', 'wasm'] as const)('resident Linear weights (%s)', (backend) => {
  it.each([
    ['bert', tinyBertWeights, TINY_BERT_CONFIG],
    ['llama', tinyLlamaWeights, TINY_LLAMA_CONFIG],
  ] as const)('%s: features and both heatmaps equal the tfjs placement, layerwise too, no tensor left', async (_name, weights, config) => {
    await useXdaBackend(backend);
    const w = weights();
    const ref = createXdaModel(w, config, { linearWeights: 'tfjs' });
    const res = createXdaModel(w, config, { linearWeights: 'resident' });
    const feats = (m: typeof ref) => Float32Array.from(extractFeatures(m, [test, ...trains]).flatMap((f) => Array.from(f)));
    expect(maxScaledError(feats(res), feats(ref))).toBeLessThan(1e-5);
    const want = explainTopK(ref, test, trains, { alphas });
    for (const layerwise of ['never', 'always'] as const) {
      const before = tf.memory().numTensors;
      const got = explainTopK(res, test, trains, { alphas, layerwise });
      expect(tf.memory().numTensors).toBe(before);
      got.forEach((p, i) => {
        expect(Math.abs(p.kernel - want[i]!.kernel)).toBeLessThan(1e-5 * Math.abs(want[i]!.kernel));
        close(p.test!, want[i]!.test!);
        close(p.train!, want[i]!.train!);
      });
    }
    const tensors = tf.memory().numTensors;
    res.dispose();
    expect(tf.memory().numTensors).toBeLessThan(tensors);
    ref.dispose();
  });
});

describe('linear placement', () => {
  it('auto keeps small models on tf tensors, sends ≥ 512 MiB of matrices out of the tfjs heap, names a bad value', () => {
    const shapeOnly = (shapes: Record<string, number[]>) => new Map(Object.entries(shapes).map(([k, shape]) => [k, { shape, data: new Float32Array(0) }]));
    expect(resolveLinearPlacement(tinyBertWeights())).toBe('tfjs');
    // Qwen2-0.5B's MLP (24 layers × 3 matrices, 1.25 GB) is past the threshold; its embedding is not counted.
    const mlp = Array.from({ length: 24 }, (_, l) => ['gate', 'up', 'down'].map((p) => [`model.layers.${l}.mlp.${p}_proj.weight`, p === 'down' ? [896, 4864] : [4864, 896]]));
    const big = shapeOnly(Object.fromEntries(mlp.flat()));
    expect(resolveLinearPlacement(big)).toBe('resident');
    expect(resolveLinearPlacement(shapeOnly({ 'model.embed_tokens.weight': [151936, 896] }))).toBe('tfjs');
    expect(resolveLinearPlacement(big, 'tfjs')).toBe('tfjs');
    expect(() => resolveLinearPlacement(big, 'gpu' as never)).toThrow(/options\.linearWeights/);
  });
});
