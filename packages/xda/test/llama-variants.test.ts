/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
/**
 * Mistral, Qwen2 and Gemma run the Llama forward with options (llama.ts `LlamaVariant`): q/k/v biases,
 * `head_dim`, per-layer sliding windows, Gemma's (1 + w) RMSNorm, √H embedding scale and GELU-tanh gate. Checked here: the band mask matters and is exact,
 * conservation holds with the biases, config/weight errors name the field, and the forward matches
 * hfmini's torch classifiers (tools/fixtures/model/make-llama-variant-checkpoints.py, run into a
 * temp dir when Debian's python3-torch is present).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel, explainPair, extractFeatures, forwardBatch, getRule, isXdaError, registerRule } from '../src/index.js';
import type { HfConfig, WeightEntry, XdaModel } from '../src/index.js';
import { TINY_LLAMA_CONFIG, tinyLlamaWeights } from './random-models.js';
import type { ReferenceCase } from './shared-assets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const input = { ids: [1, 5, 7, 9, 2, 11, 4] };
const MISTRAL: HfConfig = { ...TINY_LLAMA_CONFIG, model_type: 'mistral', sliding_window: 3 };
const GEMMA: HfConfig = { ...TINY_LLAMA_CONFIG, model_type: 'gemma', hidden_act: 'gelu_pytorch_tanh', tie_word_embeddings: true, head_dim: 2 };
const QWEN2: HfConfig = { ...TINY_LLAMA_CONFIG, model_type: 'qwen2', use_sliding_window: true, sliding_window: 3, max_window_layers: 1 };

/** tiny-llama's weights plus q/k/v biases (Qwen2 has them, not on o_proj). */
function qwen2Weights(): Map<string, WeightEntry> {
  const w = tinyLlamaWeights();
  for (let l = 0; l < 2; l++) {
    for (const [p, n] of [['q_proj', 8], ['k_proj', 4], ['v_proj', 4]] as const) {
      w.set(`model.layers.${l}.self_attn.${p}.bias`, { shape: [n], data: Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(7 * l + 3 * i + 1)) });
    }
  }
  return w;
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const features = (model: XdaModel, ids: number[]) => extractFeatures(model, [{ ids }])[0]!;
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe('sliding window', () => {
  const llama = createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG);
  it('is the causal mask when the input fits the window, and changes the features when it does not', () => {
    const wide = createXdaModel(tinyLlamaWeights(), { ...MISTRAL, sliding_window: input.ids.length });
    const narrow = createXdaModel(tinyLlamaWeights(), MISTRAL);
    expect(wide.modelType).toBe('mistral');
    expect(maxDiff(features(wide, input.ids), features(llama, input.ids))).toBe(0);
    expect(maxDiff(features(narrow, input.ids), features(llama, input.ids))).toBeGreaterThan(1e-3);
    // The last token sees only the last 3 keys: earlier tokens change nothing in the first layer's
    // view of it, but they reach it through layer 0's window (receptive field 2 × (3 − 1) + 1 = 5).
    const tail = input.ids.slice(-5);
    expect(maxDiff(features(narrow, [3, 3, ...tail]), features(narrow, input.ids))).toBeLessThan(1e-6);
    expect(maxDiff(features(narrow, [3, 3, 3, ...tail.slice(1)]), features(narrow, input.ids))).toBeGreaterThan(1e-4);
  });

  it('qwen2 windows only the layers from max_window_layers on, and only with use_sliding_window', () => {
    const off = createXdaModel(qwen2Weights(), { ...QWEN2, use_sliding_window: false });
    const on = createXdaModel(qwen2Weights(), QWEN2);
    const byTypes = createXdaModel(qwen2Weights(), { ...QWEN2, max_window_layers: 0, layer_types: ['full_attention', 'sliding_attention'] });
    expect(maxDiff(features(on, input.ids), features(off, input.ids))).toBeGreaterThan(1e-4);
    expect(maxDiff(features(byTypes, input.ids), features(on, input.ids))).toBe(0);
    // Only the last layer is windowed: the last token still sees all tokens through layer 0.
    expect(maxDiff(features(on, [3, ...input.ids.slice(1)]), features(on, input.ids))).toBeGreaterThan(1e-4);
  });
});

describe.each([
  ['mistral', () => createXdaModel(tinyLlamaWeights(), MISTRAL)],
  ['qwen2', () => createXdaModel(qwen2Weights(), QWEN2)],
  ['gemma', () => createXdaModel(tinyLlamaWeights(), GEMMA)],
] as const)('%s conservation', (name, make) => {
  const model = make();
  it.each(['per-position', 'word'] as const)('token relevance + absorbed = attribution (%s)', (mode) => {
    const p = explainPair(model, input, { ids: [1, 4, 3, 11, 2, 6] }, { alpha: 0.6, mode });
    expect(Math.max(p.test!.residual, p.train!.residual)).toBeLessThanOrEqual(1e-5);
    if (name === 'qwen2') expect(p.test!.absorbed.biases).not.toBe(0);
  });

  it('fails when a Linear rule keeps relevance it does not state (the q/k/v biases\' share)', () => {
    const orig = getRule('Linear')!;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerRule({ ...orig, absorbed: undefined });
    try {
      const p = explainPair(model, input, { ids: [1, 4, 3, 11, 2, 6] }, { alpha: 0.6 });
      const residual = Math.max(p.test!.residual, p.train!.residual);
      // Mistral has no biases: nothing is absorbed, so the misstatement is invisible there.
      if (name === 'qwen2') expect(residual).toBeGreaterThan(1e-3);
      else expect(residual).toBeLessThanOrEqual(1e-5);
    } finally {
      registerRule(orig);
      warn.mockRestore();
    }
  });
});

describe('gemma', () => {
  it('fails conservation when the GeluTanh rule passes on twice its relevance (the gate runs it)', () => {
    const model = createXdaModel(tinyLlamaWeights(), GEMMA);
    const orig = getRule('GeluTanh')!;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerRule({ ...orig, relevance: (g, s, a, c) => orig.relevance(g, s, a, c).map((t) => (t === null ? null : tf.mul(t, 2))) });
    try {
      const p = explainPair(model, input, { ids: [1, 4, 3, 11, 2, 6] }, { alpha: 0.6 });
      expect(Math.max(p.test!.residual, p.train!.residual)).toBeGreaterThan(1e-3);
    } finally {
      registerRule(orig);
      warn.mockRestore();
    }
  });

  it('(1 + w) norms and the √H embedding scale are in the forward: Llama\'s reading of the same weights differs', () => {
    const gemma = createXdaModel(tinyLlamaWeights(), GEMMA);
    const asLlama = createXdaModel(tinyLlamaWeights(), { ...GEMMA, model_type: 'llama', hidden_act: 'silu' });
    expect(maxDiff(features(gemma, input.ids), features(asLlama, input.ids))).toBeGreaterThan(1e-2);
    // The embedding rows relevance is read at are the scaled ones.
    const batch = { ids: [input.ids], tokenTypeIds: [input.ids.map(() => 0)], lengths: [input.ids.length], maxLen: input.ids.length };
    const ratio = tf.tidy(() => tf.div(gemma.embed(batch), asLlama.embed(batch)).dataSync()).filter(Number.isFinite);
    expect(Math.max(...ratio.map((r) => Math.abs(r - Math.sqrt(8))))).toBeLessThan(1e-5);
  });
});

describe('config and weight errors name the field', () => {
  it.each([
    [() => { const w = qwen2Weights(); w.delete('model.layers.1.self_attn.k_proj.bias'); return createXdaModel(w, QWEN2); }, /model\.layers\.1\.self_attn\.k_proj\.bias: weight missing/],
    [() => createXdaModel(tinyLlamaWeights(), { ...MISTRAL, sliding_window: 0 }), /config\.sliding_window: expected a positive integer or null, got 0/],
    [() => createXdaModel(qwen2Weights(), { ...QWEN2, layer_types: ['full_attention', 'chunked_attention'] }), /config\.layer_types\[1\]: unsupported "chunked_attention"/],
    [() => createXdaModel(qwen2Weights(), { ...QWEN2, layer_types: ['full_attention'] }), /config\.layer_types: expected a list of 2 layer types/],
    [() => createXdaModel(qwen2Weights(), { ...QWEN2, use_sliding_window: 'yes' }), /config\.use_sliding_window: expected a boolean/],
    [() => createXdaModel(tinyLlamaWeights(), { ...MISTRAL, rope_parameters: { rope_type: 'longrope' } }), /rope_type/],
    [() => createXdaModel(tinyLlamaWeights(), { ...GEMMA, hidden_activation: 'gelu' }), /config\.hidden_activation: only "gelu_pytorch_tanh" is supported for gemma, got "gelu"/],
    [() => createXdaModel(tinyLlamaWeights(), { ...GEMMA, head_dim: undefined }), /config\.head_dim: is required for gemma \(transformers defaults it to 256/],
    [() => createXdaModel(tinyLlamaWeights(), { ...GEMMA, hidden_act: 'silu' }), /config\.hidden_act: only "gelu_pytorch_tanh"/],
  ])('%#', (make, message) => {
    const err = errorOf(make);
    expect(String(err)).toMatch(message);
    expect(isXdaError(err, 'ModelWeightsError') || String(err).includes('HfConfigError')).toBe(true);
  });
});

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PY = '/usr/bin/python3';

describe.each(['tiny-mistral', 'tiny-qwen2', 'tiny-gemma'])('%s matches the torch classifier (hfmini)', (name) => {
  let tmp: string;
  let model: XdaModel;
  let cases: ReferenceCase[];
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'xda-llama-variants-'));
    execFileSync(PY, [join(ROOT, 'tools/fixtures/model/make-llama-variant-checkpoints.py'), tmp], { stdio: 'pipe' });
    const dir = join(tmp, name);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as HfConfig;
    const file = join(dir, 'model.safetensors');
    model = createXdaModel(parseSafetensors(new Uint8Array(readFileSync(file)), file), config);
    cases = (JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { cases: ReferenceCase[] }).cases;
  }, 60_000);
  afterAll(() => {
    model.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('features (64 tokens: past the window of 6) and logits match to 1e-4 in one right-padded batch', () => {
    expect(Math.max(...cases.map((c) => c.input_ids.length))).toBeGreaterThan(6);
    const W = model.head!.weight.arraySync();
    extractFeatures(model, cases.map((c) => ({ ids: c.input_ids }))).forEach((f, i) => {
      const ref = cases[i]!;
      expectClose(f.slice(0, 8), ref.features_first8, { rtol: 1e-4, atol: 1e-4 });
      expect(Math.hypot(...f)).toBeCloseTo(ref.features_l2, 3);
      expectClose(W.map((row) => row.reduce((a, w, j) => a + w * f[j]!, 0)), ref.logits, { rtol: 1e-4, atol: 1e-4 });
    });
  });

  it('the built-in batch forward (no ONNX) gives the same features', () => {
    const pick = [cases[0]!, cases[6]!, cases[7]!];
    const T = Math.max(...pick.map((c) => c.input_ids.length));
    const ids = pick.flatMap((c) => [...c.input_ids, ...new Array<number>(T - c.input_ids.length).fill(0)]);
    const mask = pick.flatMap((c) => c.input_ids.map(() => 1).concat(new Array<number>(T - c.input_ids.length).fill(0)));
    const { features: f } = forwardBatch(model, { rows: 3, seqLen: T, inputIds: ids, attentionMask: mask });
    const d = model.featureSize;
    pick.forEach((c, r) => expectClose(Array.from(f!.subarray(r * d, r * d + 8)), c.features_first8, { rtol: 1e-4, atol: 1e-4 }));
  });
});
