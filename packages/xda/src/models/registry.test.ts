import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isXdaError } from '../errors.js';
import { explainPair } from '../explain/explain-pair.js';
import { createXdaModel } from './registry.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from '../../test/random-models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('createXdaModel', () => {
  it('rejects an unknown model_type, naming the field and the known types', () => {
    const err = errorOf(() => createXdaModel(tinyBertWeights(), { ...TINY_BERT_CONFIG, model_type: 'gpt2' }));
    expect(isXdaError(err, 'ModelWeightsError')).toBe(true);
    expect(String(err)).toMatch(/config\.model_type: unsupported "gpt2"; known: bert, llama/);
  });

  it('names a missing weight and a wrongly shaped one', () => {
    const w = tinyBertWeights();
    w.delete('bert.encoder.layer.1.intermediate.dense.weight');
    expect(String(errorOf(() => createXdaModel(w, TINY_BERT_CONFIG)))).toMatch(/bert\.encoder\.layer\.1\.intermediate\.dense\.weight: weight missing/);
    const l = tinyLlamaWeights();
    l.set('model.norm.weight', { shape: [7], data: new Float32Array(7) });
    expect(String(errorOf(() => createXdaModel(l, TINY_LLAMA_CONFIG)))).toMatch(/model\.norm\.weight: expected shape \[8\], got \[7\]/);
  });

  it('names a bad config field and refuses unsupported activations', () => {
    expect(String(errorOf(() => createXdaModel(tinyBertWeights(), { ...TINY_BERT_CONFIG, hidden_size: 0 })))).toMatch(/config\.hidden_size/);
    expect(String(errorOf(() => createXdaModel(tinyLlamaWeights(), { ...TINY_LLAMA_CONFIG, hidden_act: 'gelu' })))).toMatch(/config\.hidden_act/);
  });

  it('rejects token ids outside the vocabulary and over-long inputs, naming the input', () => {
    const model = createXdaModel(tinyBertWeights(), TINY_BERT_CONFIG);
    expect(String(errorOf(() => explainPair(model, { ids: [1, 99] }, { ids: [1] })))).toMatch(/testInput\[0\]\.ids: token id 99 outside \[0, 30\)/);
    expect(String(errorOf(() => explainPair(model, { ids: [1] }, { ids: new Array(17).fill(1) })))).toMatch(/trainInputs\[0\]\.ids: length 17 exceeds max_position_embeddings 16/);
    expect(String(errorOf(() => explainPair(model, { ids: [1, 2], tokens: ['a'] }, { ids: [1] })))).toMatch(/testInput\[0\]\.tokens: has 1 entries for 2 ids/);
    model.dispose();
  });
});
