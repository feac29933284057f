import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_DELETION_OPTIONS, evaluateTokenDeletion } from '../src/index.js';
import { loadAssetModel, loadReference } from './shared-assets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluateTokenDeletion', () => {
  // tiny-llama: the random tiny-bert's pooled features are nearly identical across inputs, so its
  // kernel barely moves under any deletion; spam-bert is checked by tools/bench/xda.ts --deletion.
  it('removing the most relevant train tokens lowers the kernel term more than removing random ones (tiny-llama)', () => {
    const model = loadAssetModel('tiny-llama');
    const inputs = loadReference('tiny-llama').map((c) => ({ ids: c.input_ids.slice(0, 24) }));
    const r = evaluateTokenDeletion(model, inputs, { tokens: 3, randomDraws: 8, tests: 3 });
    expect(r.pairs).toBe(9);
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
