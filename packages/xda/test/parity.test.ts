/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { explainPrediction, explainTopK, extractFeatures } from '../src/index.js';
import type { XdaModel } from '../src/index.js';
import { loadFixtureModel, parity, expectMapClose } from './load-fixture.js';

describe.each(['bert', 'llama'] as const)('%s matches the independent torch implementation', (arch) => {
  const fx = parity[arch];
  let model: XdaModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = loadFixtureModel(arch);
  });

  it('features and logits match torch to 1e-4', () => {
    const feats = extractFeatures(model, [{ ids: fx.test }, ...fx.train.map((ids) => ({ ids }))]);
    feats.forEach((f, i) => expectClose(f, fx.features[i] as number[], { rtol: 1e-4, atol: 1e-5 }));
  });

  it.each(parity[arch].variants.map((v) => [`${v.variant} eps=${v.epsilon}`, v] as const))('%s pair heatmaps match torch', (_name, vc) => {
    // The torch fixture follows LXT: relevance read at the word embeddings (`mode: 'word'`);
    // per-position relevance is checked against it in test/conservation.test.ts.
    const pairs = explainTopK(model, { ids: fx.test }, fx.train.map((ids) => ({ ids })), {
      alphas: fx.alphas, variant: vc.variant, epsilon: vc.epsilon, mode: 'word',
    });
    pairs.forEach((p, i) => {
      const ref = vc.pairs[i]!;
      expect(p.attribution).toBeCloseTo(ref.target, 4);
      expectMapClose(p.test!.relevance, ref.test);
      expectMapClose(p.train!.relevance, ref.train);
      expect(p.test!.residual).toBeLessThanOrEqual(1e-3);
      expect(p.train!.residual).toBeLessThanOrEqual(1e-3);
    });
  });

  it.each(parity[arch].variants.map((v) => [`${v.variant} eps=${v.epsilon}`, v] as const))('%s prediction heatmap matches torch', (_name, vc) => {
    const pred = explainPrediction(model, { ids: fx.test }, { variant: vc.variant, epsilon: vc.epsilon, mode: 'word' });
    expect(pred.classIndex).toBe(vc.prediction.classIndex);
    expectClose(pred.logits, fx.logits, { rtol: 1e-4, atol: 1e-5 });
    expectMapClose(pred.relevance, vc.prediction.relevance);
    expect(pred.residual).toBeLessThanOrEqual(1e-3);
  });
});
