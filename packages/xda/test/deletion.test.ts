import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_DELETION_OPTIONS, evaluateTokenDeletion, useXdaBackend } from '../src/index.js';
import { loadAssetModel, loadReference } from './shared-assets.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluateTokenDeletion', () => {
  // The embedded spam-bert, on short real e-mails; wasm because tfjs's pure-JS matmul would take
  // ~20 s here. (The random tiny-bert is useless for this: its pooled features are nearly equal.)
  it('removing the most relevant train tokens lowers the kernel term more than removing random ones (spam-bert)', async () => {
    await useXdaBackend('wasm');
    const model = loadAssetModel('spam-bert');
    const inputs = loadReference('spam-bert').map((c) => ({ ids: [...c.input_ids.slice(0, 20), 3] }));
    const r = evaluateTokenDeletion(model, inputs, { tokens: 3, randomDraws: 3, tests: 2, keepLast: true });
    expect(r.pairs).toBe(6);
    expect(r.meanTopDrop).toBeGreaterThan(0);
    expect(r.meanTopDrop).toBeGreaterThan(r.meanRandomDrop);
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
