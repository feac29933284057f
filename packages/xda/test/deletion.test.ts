import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_DELETION_OPTIONS, evaluateTokenDeletion, extractFeatures, useXdaBackend } from '../src/index.js';
import { loadAssetModel, loadReference } from './shared-assets.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluateTokenDeletion', () => {
  // The embedded spam-bert on its full-length reference e-mails, each against the two others it is
  // most similar to (largest kernel), as XDA is used on a test input and its top proponents. A pair
  // of unrelated e-mails has a kernel near 0 on this model (its features are instance-level), and a
  // heatmap of a near-zero score says little about deletions. wasm because tfjs's pure-JS matmul
  // would take ~20 s here. (The random tiny-bert is useless for this: its pooled features are
  // nearly equal.)
  it('removing the most relevant train tokens lowers the kernel term more than removing random ones (spam-bert)', async () => {
    await useXdaBackend('wasm');
    const model = loadAssetModel('spam-bert');
    const inputs = loadReference('spam-bert').map((c) => ({ ids: [...c.input_ids] }));
    const feats = extractFeatures(model, inputs);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, k) => s + v * (b[k] as number), 0);
    let top = 0, random = 0, pairs = 0;
    inputs.forEach((test, t) => {
      const nearest = inputs.map((_, j) => j).filter((j) => j !== t)
        .sort((a, b) => dot(feats[t] as Float32Array, feats[b] as Float32Array) - dot(feats[t] as Float32Array, feats[a] as Float32Array)).slice(0, 2);
      const r = evaluateTokenDeletion(model, [test, ...nearest.map((j) => inputs[j] as { ids: number[] })], { tokens: 3, randomDraws: 4, tests: 1, keepLast: true });
      top += r.meanTopDrop * r.pairs;
      random += r.meanRandomDrop * r.pairs;
      pairs += r.pairs;
    });
    expect(pairs).toBe(2 * inputs.length);
    expect(top / pairs).toBeGreaterThan(0);
    expect(top / pairs).toBeGreaterThan(random / pairs);
    model.dispose();
  });

  it('documents its defaults in one object', () => {
    expect(DEFAULT_TOKEN_DELETION_OPTIONS).toEqual({ tokens: 3, randomDraws: 8, tests: 3, keepLast: false, seed: 3 });
  });

  it('names a bad option', () => {
    const model = loadAssetModel('tiny-llama');
    expect(() => evaluateTokenDeletion(model, [], { tokens: 0 })).toThrow(/option tokens/);
    model.dispose();
  });
});
