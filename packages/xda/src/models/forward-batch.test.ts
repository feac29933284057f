import { expectClose } from '@dualxda/core/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../explain/propagate.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from '../../test/random-models.js';
import { forwardBatch } from './forward-batch.js';
import { createXdaModel } from './registry.js';

const SEQS = [[1, 5, 7, 9, 2], [1, 4, 3], [1, 8, 6, 2]];
/** Right-padded with a pad id that is not 0, as ONNX feeds use the tokenizer's pad id. */
function flat(seqs: number[][], pad: number) {
  const seqLen = Math.max(...seqs.map((s) => s.length));
  const inputIds = new BigInt64Array(seqs.length * seqLen).fill(BigInt(pad));
  const attentionMask = new BigInt64Array(seqs.length * seqLen);
  seqs.forEach((s, r) => s.forEach((id, t) => {
    inputIds[r * seqLen + t] = BigInt(id);
    attentionMask[r * seqLen + t] = 1n;
  }));
  return { rows: seqs.length, seqLen, inputIds, attentionMask };
}

describe.each([
  ['bert', () => createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG)],
  ['llama', () => createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG)],
])('forwardBatch (%s)', (_, build) => {
  it('gives the features of extractFeatures, whatever the pad id, and pools them from its hidden states', () => {
    const model = build();
    const ref = extractFeatures(model, SEQS.map((ids) => ({ ids })));
    const a = forwardBatch(model, flat(SEQS, 3));
    const b = forwardBatch(model, flat(SEQS, 0), { features: true, hiddenStates: true });
    const d = model.featureSize;
    SEQS.forEach((_, r) => {
      expectClose(a.features!.subarray(r * d, (r + 1) * d), ref[r]!, { rtol: 1e-5, atol: 1e-6 });
      expectClose(b.features!.subarray(r * d, (r + 1) * d), ref[r]!, { rtol: 1e-5, atol: 1e-6 });
    });
    expect(b.hiddenStates).toHaveLength(SEQS.length * 5 * d);
    // Each text alone (no padding) has the same hidden states at its real positions.
    const one = forwardBatch(model, flat([SEQS[1]!], 0), { hiddenStates: true });
    expect(one.features).toBeNull();
    expectClose(b.hiddenStates!.subarray(5 * d, (5 + 3) * d), one.hiddenStates!, { rtol: 1e-5, atol: 1e-6 });
    model.dispose();
  });

  it('runs features and hidden states step by step (one layer held at a time) to the same bits as the one-shot pass, leaving no tensor', () => {
    const model = build();
    const both = { features: true, hiddenStates: true };
    // First calls may create the backend's cached constants; count from the second on.
    for (const m of [model, { ...model, stages: undefined }]) [{ features: true }, both].forEach((w) => forwardBatch(m, flat(SEQS, 0), w));
    const before = tf.memory().numTensors;
    const staged = forwardBatch(model, flat(SEQS, 0)).features!;
    expect(tf.memory().numTensors).toBe(before);
    const oneShot = forwardBatch({ ...model, stages: undefined }, flat(SEQS, 0)).features!;
    expect(Array.from(staged)).toEqual(Array.from(oneShot));
    const stagedHidden = forwardBatch(model, flat(SEQS, 0), both);
    expect(tf.memory().numTensors).toBe(before);
    const oneShotHidden = forwardBatch({ ...model, stages: undefined }, flat(SEQS, 0), both);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(stagedHidden.hiddenStates!)).toEqual(Array.from(oneShotHidden.hiddenStates!));
    expect(Array.from(stagedHidden.features!)).toEqual(Array.from(oneShotHidden.features!));
    model.dispose();
  });

  it('names the row of a left-padded, empty or out-of-vocabulary input', () => {
    const model = build();
    const bad = flat(SEQS, 0);
    bad.attentionMask[0] = 0n;
    expect(() => forwardBatch(model, bad)).toThrow(/batch\.attentionMask\[0\]: is not right-padded/);
    bad.attentionMask.fill(0n, 5, 10);
    bad.attentionMask[0] = 1n;
    expect(() => forwardBatch(model, bad)).toThrow(/batch\.attentionMask\[1\]: has no real token/);
    const oov = flat(SEQS, 0);
    oov.inputIds[5] = 10_000n;
    expect(() => forwardBatch(model, oov)).toThrow(/batch\.inputIds\[1\]: token id 10000 outside/);
    model.dispose();
  });
});

describe('forwardBatch (bert without pooler)', () => {
  it('takes the [CLS] hidden state as the features, like a BertForTokenClassification', () => {
    const weights = tinyBertWeights();
    weights.delete('bert.pooler.dense.weight');
    weights.delete('bert.pooler.dense.bias');
    const model = createXdaModel(weights, TINY_BERT_CONFIG);
    const out = forwardBatch(model, flat(SEQS, 0), { features: true, hiddenStates: true });
    const d = model.featureSize;
    SEQS.forEach((_, r) => expectClose(out.features!.subarray(r * d, (r + 1) * d), out.hiddenStates!.subarray(r * 5 * d, (r * 5 + 1) * d), { rtol: 0, atol: 0 }));
    model.dispose();
  });
});
