/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { explainPrediction, extractFeatures } from '../src/index.js';
import { loadAssetModel, loadReference } from './shared-assets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// spam-bert (the embedded model) runs 128-token texts; two of them keep the suite fast.
describe.each([['tiny-bert', 8], ['tiny-llama', 8], ['spam-bert', 2]] as const)('%s forward matches the python reference.json', (name, count) => {
  const cases = loadReference(name).slice(0, count);
  const model = loadAssetModel(name);

  it('features match to 1e-4 in one right-padded batch', () => {
    const feats = extractFeatures(model, cases.map((c) => ({ ids: c.input_ids })));
    feats.forEach((f, i) => {
      const ref = cases[i]!;
      expectClose(f.slice(0, 8), ref.features_first8, { rtol: 1e-4, atol: 1e-4 });
      expect(Math.hypot(...f)).toBeCloseTo(ref.features_l2, 3);
    });
  });

  it('logits from the embedded head match', () => {
    const ref = cases[cases.length - 1]!;
    const pred = explainPrediction(model, { ids: ref.input_ids, tokens: ref.tokens });
    expectClose(pred.logits, ref.logits, { rtol: 1e-4, atol: 1e-4 });
    expect(pred.tokens).toEqual(ref.tokens);
    expect(pred.residual).toBeLessThanOrEqual(1e-3);
  });
});
