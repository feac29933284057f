/**
 * Conservation checks that can fail. Each rule states what it keeps (`RuleConfig.absorbed`, from
 * forward quantities: a bias times its G, the softmax's Taylor remainder, …) apart from the
 * relevance it passes on, so "token sum + Σ absorbed = attribution" breaks as soon as a rule
 * passes on something else than it states; here wrong rules are registered to see it break.
 * Per-position relevance is checked against an independently built model whose word embeddings
 * carry the position and type embeddings.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { budgetShares, budgetWarning, createXdaModel, explainPair, explainPrediction, extractFeatures, getRule, registerRule } from '../src/index.js';
import type { ModelInput, OpName, RuleConfig, TokenRelevance, WeightEntry, XdaModel } from '../src/index.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from './random-models.js';

const test: ModelInput = { ids: [1, 5, 7, 9, 2] };
const train: ModelInput = { ids: [1, 4, 3, 11, 2] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Swaps in a rule for the duration of one test (registerRule warns on override: silenced). */
const restore: (() => void)[] = [];
function swapRule<K extends OpName>(op: K, make: (orig: RuleConfig<K>) => RuleConfig<K>): void {
  const orig = getRule(op)!;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  registerRule(make(orig));
  restore.push(() => {
    registerRule(orig);
    warn.mockRestore();
  });
}
afterEach(() => {
  while (restore.length > 0) restore.pop()!();
});

/**
 * Correct rules leave ~1e-7 (float32 rounding); the public bar is 1e-3. A wrong rule must clear the
 * bar, and the correct ones stay 100× under it, so the gap is not luck.
 */
const HOLDS = 1e-5;
const FAILS = 1e-3;
const worst = (sides: (TokenRelevance | undefined)[]) => Math.max(...sides.map((s) => s!.residual));
const doubled = <K extends OpName>(orig: RuleConfig<K>): RuleConfig<K> => ({
  ...orig,
  relevance: (g, saved, attrs, ctx) => orig.relevance(g, saved, attrs, ctx).map((t) => (t === null ? null : tf.mul(t, 2))),
});

describe.each([
  ['bert', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG), ['Linear', 'Softmax', 'LayerNorm', 'Add', 'Gelu', 'MatMulAV']],
  // Tiny Llama's attention scores carry little relevance, and its linear layers have no biases.
  ['llama', () => createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG), ['Linear', 'RMSNorm', 'GatedProduct', 'Silu', 'Add']],
] as const)('%s conservation', (_name, make, ops) => {
  const model: XdaModel = make();

  it.each(['per-position', 'word'] as const)('holds for the registered rules (%s)', (mode) => {
    const p = explainPair(model, test, train, { alpha: 0.6, mode });
    expect(worst([p.test, p.train])).toBeLessThanOrEqual(HOLDS);
  });

  it.each(ops)('fails when the %s rule passes on twice its relevance', (op) => {
    const before = explainPair(model, test, train, { alpha: 0.6 });
    swapRule(op as OpName, doubled);
    const after = explainPair(model, test, train, { alpha: 0.6 });
    expect(worst([before.test, before.train])).toBeLessThanOrEqual(HOLDS);
    expect(worst([after.test, after.train])).toBeGreaterThan(FAILS);
  });

});

describe('bert conservation, misstated rules', () => {
  const model = createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG);

  it('fails when a rule keeps relevance it does not state (Linear without its bias statement)', () => {
    swapRule('Linear', (orig) => ({ ...orig, absorbed: undefined }));
    const p = explainPair(model, test, train, { alpha: 0.6 });
    expect(worst([p.test, p.train])).toBeGreaterThan(FAILS);
    expect(p.test!.absorbed.biases).toBe(0);
  });

  it('fails for a prediction heatmap too (softmax rule sign-flipped)', () => {
    expect(explainPrediction(model, test).residual).toBeLessThanOrEqual(HOLDS);
    swapRule('Softmax', (orig) => ({ ...orig, relevance: (g, s, a, c) => orig.relevance(g, s, a, c).map((t) => (t === null ? null : tf.neg(t))) }));
    expect(explainPrediction(model, test).residual).toBeGreaterThan(FAILS);
  });
});

describe('per-position relevance', () => {
  const bert = createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG);

  it('equals word-mode relevance plus each position\'s position/type-embedding share', () => {
    const pp = explainPair(bert, test, train, { alpha: -1.3, mode: 'per-position' });
    const word = explainPair(bert, test, train, { alpha: -1.3, mode: 'word' });
    for (const side of ['test', 'train'] as const) {
      const [a, b] = [pp[side]!, word[side]!];
      const delta = a.relevance.map((r, t) => r - b.relevance[t]!);
      // Σ_t (per-position − word) is the share word mode reports as absorbed by the position embeddings.
      expect(delta.reduce((s, v) => s + v, 0)).toBeCloseTo(b.absorbed.positionEmbeddings, 5);
      expect(Math.abs(b.absorbed.positionEmbeddings)).toBeGreaterThan(1e-3 * Math.abs(b.target));
      expect(Math.abs(a.absorbed.positionEmbeddings)).toBeLessThan(1e-5 * Math.max(1, Math.abs(a.target)));
      expect(a.tokenSum).toBeCloseTo(b.tokenSum + b.absorbed.positionEmbeddings, 5);
      for (const place of ['softmax', 'normalisation', 'biases', 'stabiliser'] as const) expect(a.absorbed[place]).toBeCloseTo(b.absorbed[place], 6);
    }
  });

  it('matches word-mode relevance of a model whose word embeddings carry the position and type embeddings', () => {
    // Independent of propagate's per-position code: replace row x_t of E by E[x_t] + P[t] + T[0]
    // for both inputs (all ids distinct) and zero P and T. Both forwards are unchanged, and word
    // mode on the folded model reads relevance at word + position + type embedding.
    const a: ModelInput = { ids: [1, 5, 7, 9, 2] };
    const b: ModelInput = { ids: [12, 13, 14] };
    const folded = createXdaModel(foldPositions(tinyBertWeights(), [a.ids, b.ids]), TINY_BERT_CONFIG);
    try {
      const [fa, fb] = extractFeatures(folded, [a, b]);
      const [ga, gb] = extractFeatures(bert, [a, b]);
      expectClose(fa!, ga!, { rtol: 1e-4, atol: 1e-6 });
      expectClose(fb!, gb!, { rtol: 1e-4, atol: 1e-6 });
      const asTest = explainPair(folded, a, b, { alpha: 0.8, mode: 'word', side: 'test' }).test!;
      const asTrain = explainPair(folded, b, a, { alpha: 0.8, mode: 'word', side: 'train' }).train!;
      expectClose(asTest.relevance, explainPair(bert, a, b, { alpha: 0.8, side: 'test' }).test!.relevance, { rtol: 1e-4, atol: 1e-6 });
      expectClose(asTrain.relevance, explainPair(bert, b, a, { alpha: 0.8, side: 'train' }).train!.relevance, { rtol: 1e-4, atol: 1e-6 });
    } finally {
      folded.dispose();
    }
  });

  it('is the word-embedding relevance for Llama (no absolute positions)', () => {
    const llama = createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG);
    const pp = explainPair(llama, test, train, { mode: 'per-position' });
    const word = explainPair(llama, test, train, { mode: 'word' });
    expectClose(pp.test!.relevance, word.test!.relevance, { rtol: 1e-6, atol: 1e-9 });
    expect(word.test!.absorbed.positionEmbeddings).toBe(0);
  });
});

describe('budget helpers', () => {
  it('budgetShares is tokenSum / attribution per side and null for a zero attribution', () => {
    const bert = createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG);
    const p = explainPair(bert, test, train, { alpha: 2 });
    const s = budgetShares(p);
    expect(s.test).toBeCloseTo(p.test!.tokenSum / p.attribution, 6);
    expect(s.train).toBeCloseTo(p.train!.tokenSum / p.attribution, 6);
    expect(budgetShares(explainPair(bert, test, train, { alpha: 0 }))).toEqual({ test: null, train: null });
    expect(budgetShares(explainPair(bert, test, train, { side: 'test' })).train).toBeNull();
  });

  it('budgetWarning speaks up below half of the score and for the opposite sign, naming where the rest went', () => {
    const absorbed = { positionEmbeddings: 0, softmax: 0.5, normalisation: 0.1, biases: 0.1, stabiliser: 0 };
    expect(budgetWarning('test', { tokenSum: 0.8, target: 1, absorbed })).toBeUndefined();
    expect(budgetWarning('test', { tokenSum: 0.3, target: 1, absorbed })).toMatch(/test-side tokens carry only 30% of the attribution; the rest sits in softmax remainder 50%, LayerNorm β 10%, biases 10%/);
    expect(budgetWarning('train', { tokenSum: 1.7, target: -1, absorbed })).toMatch(/train-side tokens sum to -170% of the attribution, the opposite sign/);
    expect(budgetWarning('test', { tokenSum: 0, target: 0, absorbed })).toBeUndefined();
  });
});

/** Weights of tiny-bert with P[t] + T[0] added to E[ids[t]] of each input and P, T zeroed. */
function foldPositions(weights: Map<string, WeightEntry>, inputs: readonly (readonly number[])[]): Map<string, WeightEntry> {
  const H = TINY_BERT_CONFIG['hidden_size'] as number;
  const get = (k: string) => Float32Array.from(weights.get(k)!.data as ArrayLike<number>);
  const E = get('bert.embeddings.word_embeddings.weight');
  const P = get('bert.embeddings.position_embeddings.weight');
  const T = get('bert.embeddings.token_type_embeddings.weight');
  for (const ids of inputs) {
    ids.forEach((id, t) => {
      for (let h = 0; h < H; h++) E[id * H + h] = E[id * H + h]! + P[t * H + h]! + T[h]!;
    });
  }
  const out = new Map(weights);
  out.set('bert.embeddings.word_embeddings.weight', { shape: weights.get('bert.embeddings.word_embeddings.weight')!.shape, data: E });
  out.set('bert.embeddings.position_embeddings.weight', { shape: weights.get('bert.embeddings.position_embeddings.weight')!.shape, data: P.fill(0) });
  out.set('bert.embeddings.token_type_embeddings.weight', { shape: weights.get('bert.embeddings.token_type_embeddings.weight')!.shape, data: T.fill(0) });
  return out;
}
