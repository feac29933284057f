/**
 * RoBERTa and DistilBERT (issue 14): the built-in forward against the torch reference of
 * tools/fixtures/model/hfmini/encoders.py (assets/tiny-{roberta,distilbert}/reference.json, written
 * by tools/fixtures/model/make-tiny-encoders.py), and XDA conservation on both, with rules swapped
 * for wrong ones to show the check can fail.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel, explainPair, explainPrediction, explainTopK, extractFeatures, getRule, registerRule } from '../src/index.js';
import type { HfConfig, ModelInput, OpName, RuleConfig, TokenRelevance, XdaModel } from '../src/index.js';
import type { ArchCase } from './load-fixture.js';
import { FIXTURE_DIR, expectMapClose } from './load-fixture.js';
import { ASSETS_DIR, loadAssetModel, loadReference } from './shared-assets.js';

/** tools/fixtures/xda/generate-encoders.py: float64 torch AttnLRP / CP-LRP on the same checkpoints. */
const parity = JSON.parse(readFileSync(join(FIXTURE_DIR, 'parity-encoders.json'), 'utf8')) as Record<'roberta' | 'distilbert', ArchCase>;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const restore: (() => void)[] = [];
afterEach(() => {
  while (restore.length > 0) restore.pop()!();
});
function doubleRule(op: OpName): void {
  const orig = getRule(op)! as RuleConfig<OpName>;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  registerRule({ ...orig, relevance: (g, s, a, c) => orig.relevance(g, s, a, c).map((t) => (t === null ? null : tf.mul(t, 2))) });
  restore.push(() => {
    registerRule(orig);
    warn.mockRestore();
  });
}

const worst = (sides: (TokenRelevance | undefined)[]) => Math.max(...sides.map((s) => s!.residual));

function logitsOf(model: XdaModel, features: ArrayLike<number>): number[] {
  const head = model.head!;
  const W = head.weight.arraySync();
  const b = head.bias?.arraySync() ?? W.map(() => 0);
  return W.map((row, k) => row.reduce((s, w, j) => s + w * features[j]!, b[k]!));
}

/** The asset's weights under an edited config. */
function withConfig(asset: string, edit: (c: HfConfig) => HfConfig): XdaModel {
  const dir = join(ASSETS_DIR, asset);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as HfConfig;
  const file = join(dir, 'model.safetensors');
  return createXdaModel(parseSafetensors(new Uint8Array(readFileSync(file)), file), edit(config));
}

describe('family details the parity depends on', () => {
  it('RoBERTa positions start at padding_idx + 1: another offset no longer matches torch', () => {
    const c = loadReference('tiny-roberta')[0]!;
    const shifted = withConfig('tiny-roberta', (cfg) => ({ ...cfg, pad_token_id: 0 }));
    const [f] = extractFeatures(shifted, [{ ids: c.input_ids }]);
    expect(Math.max(...Array.from(f!).slice(0, 8).map((v, j) => Math.abs(v - c.features_first8[j]!)))).toBeGreaterThan(1e-3);
    expect(shifted.maxPositions).toBe(33);
    expect(loadAssetModel('tiny-roberta').maxPositions).toBe(32);
  });

  it('names the unsupported config value', () => {
    expect(() => withConfig('tiny-distilbert', (cfg) => ({ ...cfg, activation: 'gelu_new' }))).toThrow(/config\.activation.*gelu_new/);
    expect(() => withConfig('tiny-distilbert', (cfg) => ({ ...cfg, n_heads: 3 }))).toThrow(/config\.n_heads/);
    expect(() => withConfig('tiny-roberta', (cfg) => ({ ...cfg, pad_token_id: 'x' }))).toThrow(/config\.pad_token_id/);
  });
});

describe.each([
  // [asset, ops whose doubled relevance must break conservation]
  ['tiny-roberta', 'roberta', ['Linear', 'LayerNorm', 'Softmax', 'Tanh', 'Gelu']],
  ['tiny-distilbert', 'distilbert', ['Linear', 'LayerNorm', 'Softmax', 'Relu', 'Gelu']],
] as const)('%s', (asset, modelType, ops) => {
  const model = loadAssetModel(asset);
  const cases = loadReference(asset);

  it('is registered under its model_type', () => {
    expect(model.modelType).toBe(modelType);
  });

  it('features and logits match the torch reference (batch of one, and right-padded together)', () => {
    const inputs: ModelInput[] = cases.map((c) => ({ ids: c.input_ids }));
    const batched = extractFeatures(model, inputs);
    cases.forEach((c, i) => {
      const [single] = extractFeatures(model, [inputs[i]!]);
      for (const f of [single!, batched[i]!]) {
        expectClose(Array.from(f).slice(0, 8), c.features_first8, { rtol: 1e-4, atol: 1e-5 });
        expect(Math.hypot(...f)).toBeCloseTo(c.features_l2, 4);
        expectClose(logitsOf(model, f), c.logits, { rtol: 1e-4, atol: 1e-5 });
      }
    });
  });

  const fx = parity[modelType];
  it.each(fx.variants.map((v) => [`${v.variant} eps=${v.epsilon}`, v] as const))('%s pair and prediction heatmaps match the torch AttnLRP reference', (_n, vc) => {
    const pairs = explainTopK(model, { ids: fx.test }, fx.train.map((ids) => ({ ids })), { alphas: fx.alphas, variant: vc.variant, epsilon: vc.epsilon, mode: 'word' });
    pairs.forEach((p, i) => {
      expect(p.attribution).toBeCloseTo(vc.pairs[i]!.target, 4);
      expectMapClose(p.test!.relevance, vc.pairs[i]!.test);
      expectMapClose(p.train!.relevance, vc.pairs[i]!.train);
    });
    const pred = explainPrediction(model, { ids: fx.test }, { variant: vc.variant, epsilon: vc.epsilon, mode: 'word' });
    expect(pred.classIndex).toBe(vc.prediction.classIndex);
    expectClose(pred.logits, fx.logits, { rtol: 1e-4, atol: 1e-5 });
    expectMapClose(pred.relevance, vc.prediction.relevance);
  });

  const test: ModelInput = { ids: cases[0]!.input_ids.slice(0, 9) };
  const train: ModelInput = { ids: cases[1]!.input_ids.slice(0, 7) };

  it.each(['per-position', 'word'] as const)('conserves relevance with the registered rules (%s)', (mode) => {
    const p = explainPair(model, test, train, { alpha: 0.6, mode });
    expect(worst([p.test, p.train])).toBeLessThanOrEqual(1e-5);
    expect(explainPrediction(model, test, { mode }).residual).toBeLessThanOrEqual(1e-5);
  });

  it.each(ops)('breaks conservation when the %s rule passes on twice its relevance', (op) => {
    doubleRule(op);
    const p = explainPair(model, test, train, { alpha: 0.6 });
    expect(worst([p.test, p.train])).toBeGreaterThan(1e-3);
  });
});
