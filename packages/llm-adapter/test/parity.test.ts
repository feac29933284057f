import { expectClose } from '@dualxda/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTexts, linearF32, openModel, type EmbedResult, type FeatureModel } from '../src/index.js';
import { checkpointDir, l2, readReference, PARITY_MODELS, type Reference } from './assets.js';

const TOL = { rtol: 1e-4, atol: 1e-4 };

describe.each(PARITY_MODELS)('%s matches the python/torch reference', (name) => {
  let model: FeatureModel;
  let ref: Reference;
  let seq: EmbedResult;
  let tok: EmbedResult;
  beforeAll(async () => {
    ref = readReference(name);
    model = await openModel(checkpointDir(name));
    const texts = ref.cases.map((c) => c.text);
    // batchSize 3 mixes lengths in one padded batch, so padding must not leak into features.
    seq = await model.embed(texts, { maxLength: ref.max_length, batchSize: 3 });
    tok = await model.embed(texts, { head: 'token', maxLength: ref.max_length, batchSize: 3 });
  });
  afterAll(() => model.release());

  it('tokenises and truncates to the same ids as the HF tokenizer', () => {
    const enc = encodeTexts(model.checkpoint.tokenizer, ref.cases.map((c) => c.text), ref.max_length);
    ref.cases.forEach((c, i) => expect(enc.ids[i]).toEqual(c.input_ids));
    const longer = ref.cases.map((c, i) => (c.input_ids.length === ref.max_length && c.text.length > 300 ? i : -1)).filter((i) => i >= 0);
    expect(seq.truncatedIndices).toEqual(longer);
  });

  it('ONNX sequence features and logits equal torch to 1e-4', () => {
    expect(seq.rows).toBe(ref.cases.length);
    ref.cases.forEach((c, i) => {
      const f = seq.features.subarray(i * seq.dim, (i + 1) * seq.dim);
      expectClose(f.subarray(0, 8), c.features_first8, TOL);
      expectClose([l2(f)], [c.features_l2], TOL);
      expectClose(seq.logits?.subarray(i * seq.numOutputs, (i + 1) * seq.numOutputs) ?? [], c.logits, TOL);
      const argmax = c.logits.indexOf(Math.max(...c.logits));
      expect(model.checkpoint.classNames[argmax]).toBe(c.predicted_label);
    });
  });

  it('logits = features · headᵀ + bias (the exposed last layer) to 1e-4', () => {
    const head = model.checkpoint.sequenceHead;
    expect(head).not.toBeNull();
    if (head === null || seq.logits === null) return;
    const k = head.weight.shape[0] as number;
    const out = linearF32(seq.rows, seq.dim, k, seq.features, head.weight.data, head.bias, new Float32Array(seq.rows * k));
    expectClose(out, seq.logits, TOL);
  });

  it('token-head rows line up with the tokens of each text', () => {
    const lengths = ref.cases.map((c) => c.input_ids.length);
    expect(tok.rows).toBe(lengths.reduce((a, b) => a + b, 0));
    let row = 0;
    ref.cases.forEach((c, i) => {
      expect(Array.from(tok.tokenIds?.subarray(row, row + lengths[i]!) ?? [])).toEqual(c.input_ids);
      for (let t = 0; t < lengths[i]!; t++) expect([tok.tokenOffsets?.[2 * (row + t)], tok.tokenOffsets?.[2 * (row + t) + 1]]).toEqual([i, t]);
      // Row of token 0 = last_hidden_state[0, 0]; all rows = the unpadded last_hidden_state.
      expectClose(tok.features.subarray(row * tok.dim, row * tok.dim + 8), c.last_hidden_state_token0_first8, TOL);
      expectClose([l2(tok.features.subarray(row * tok.dim, (row + lengths[i]!) * tok.dim))], [c.last_hidden_state_l2], TOL);
      row += lengths[i]!;
    });
  });
});

describe('decoder pooling', () => {
  it('llama sequence feature = token row of the last real token, and score applies per token', async () => {
    const model = await openModel(checkpointDir('tiny-llama'));
    const texts = ['ok', 'hello, world! this one is longer'];
    const seq = await model.embed(texts, { batchSize: 2 });
    const tok = await model.embed(texts, { head: 'token', batchSize: 2 });
    let end = 0;
    texts.forEach((_, i) => {
      end += tok.lengths[i]!;
      expectClose(tok.features.subarray((end - 1) * tok.dim, end * tok.dim), seq.features.subarray(i * seq.dim, (i + 1) * seq.dim), TOL);
      expectClose(tok.logits?.subarray((end - 1) * 3, end * 3) ?? [], seq.logits?.subarray(i * 3, (i + 1) * 3) ?? [], TOL);
    });
    await model.release();
  });
});
