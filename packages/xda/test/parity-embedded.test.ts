/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel, explainPrediction, explainTopK, extractFeatures, useXdaBackend } from '../src/index.js';
import type { XdaModel } from '../src/index.js';
import { FIXTURE_DIR, expectMapClose } from './load-fixture.js';
import type { ArchCase } from './load-fixture.js';

const fx = JSON.parse(readFileSync(join(FIXTURE_DIR, 'parity-embedded.json'), 'utf8')) as ArchCase & { source: string };

// The CLI runs XDA on the wasm backend (faster); the cpu backend is the fallback: both must match torch.
describe.each(['cpu', 'wasm'] as const)(`embedded model (${fx.source}) on the %s backend matches the independent torch implementation`, (backend) => {
  let model: XdaModel;
  beforeAll(async () => {
    await useXdaBackend(backend);
    const file = join(import.meta.dirname, '..', '..', '..', fx.source, 'model.safetensors');
    model = createXdaModel(parseSafetensors(new Uint8Array(readFileSync(file)), file), fx.config);
  });

  it('features match torch to 1e-4', () => {
    const feats = extractFeatures(model, [{ ids: fx.test }, ...fx.train.map((ids) => ({ ids }))]);
    feats.forEach((f, i) => expectClose(f, fx.features[i]!, { rtol: 1e-4, atol: 1e-5 }));
  });

  // The reference is float64: float32 maps sit 2-7e-6 of their scale from it (wasm 4.5e-6, cpu 6.5e-6 on
  // the pairs), so 2e-5 holds either summation order and catches any real drift.
  it.each(fx.variants.map((v) => [v.variant, v] as const))('%s pair and prediction heatmaps match float64 torch to 2e-5 of their scale', (_n, vc) => {
    // The fixture follows LXT's word-embedding convention.
    const pairs = explainTopK(model, { ids: fx.test }, fx.train.map((ids) => ({ ids })), { alphas: fx.alphas, variant: vc.variant, mode: 'word' });
    pairs.forEach((p, i) => {
      expect(p.attribution).toBeCloseTo(vc.pairs[i]!.target, 3);
      expectMapClose(p.test!.relevance, vc.pairs[i]!.test, 2e-5);
      expectMapClose(p.train!.relevance, vc.pairs[i]!.train, 2e-5);
      expect(Math.max(p.test!.residual, p.train!.residual)).toBeLessThanOrEqual(1e-3);
    });
    const pred = explainPrediction(model, { ids: fx.test }, { variant: vc.variant, mode: 'word' });
    expect(pred.classIndex).toBe(vc.prediction.classIndex);
    expectMapClose(pred.relevance, vc.prediction.relevance, 2e-5);
  });
});
