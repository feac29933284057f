/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
/**
 * Mistral, Qwen2 and Gemma (sliding windows shorter than the inputs, GQA/MQA, head_dim, q/k/v biases;
 * Gemma's (1 + w) RMSNorm, √H embedding scale and GELU-tanh gate) against
 * the independent torch AttnLRP / CP-LRP implementation (tools/fixtures/xda/generate-llama-variants.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel, explainPrediction, explainTopK, extractFeatures } from '../src/index.js';
import type { XdaModel } from '../src/index.js';
import { FIXTURE_DIR, expectMapClose } from './load-fixture.js';
import type { ArchCase } from './load-fixture.js';

const fixture = JSON.parse(readFileSync(join(FIXTURE_DIR, 'parity-llama-variants.json'), 'utf8')) as Record<'mistral' | 'qwen2' | 'gemma', ArchCase>;

describe.each(['mistral', 'qwen2', 'gemma'] as const)('%s matches the independent torch AttnLRP implementation', (arch) => {
  const fx = fixture[arch];
  let model: XdaModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const file = join(FIXTURE_DIR, `tiny-${arch}.safetensors`);
    model = createXdaModel(parseSafetensors(new Uint8Array(readFileSync(file)), file), fx.config);
  });

  it('features and logits match torch to 1e-4', () => {
    const feats = extractFeatures(model, [{ ids: fx.test }, ...fx.train.map((ids) => ({ ids }))]);
    feats.forEach((f, i) => expectClose(f, fx.features[i]!, { rtol: 1e-4, atol: 1e-5 }));
  });

  it.each(fx.variants.map((v) => [`${v.variant} eps=${v.epsilon}`, v] as const))('%s pair and prediction heatmaps match torch', (_name, vc) => {
    const pairs = explainTopK(model, { ids: fx.test }, fx.train.map((ids) => ({ ids })), {
      alphas: fx.alphas, variant: vc.variant, epsilon: vc.epsilon, mode: 'word',
    });
    pairs.forEach((p, i) => {
      const ref = vc.pairs[i]!;
      expect(p.attribution).toBeCloseTo(ref.target, 4);
      expectMapClose(p.test!.relevance, ref.test);
      expectMapClose(p.train!.relevance, ref.train);
      expect(Math.max(p.test!.residual, p.train!.residual)).toBeLessThanOrEqual(1e-3);
    });
    const pred = explainPrediction(model, { ids: fx.test }, { variant: vc.variant, epsilon: vc.epsilon, mode: 'word' });
    expect(pred.classIndex).toBe(vc.prediction.classIndex);
    expectClose(pred.logits, fx.logits, { rtol: 1e-4, atol: 1e-5 });
    expectMapClose(pred.relevance, vc.prediction.relevance);
  });
});
