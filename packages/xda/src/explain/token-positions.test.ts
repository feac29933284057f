/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createXdaModel, explainTopK, forwardBatch } from '../index.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from '../../test/random-models.js';

const test = { ids: [1, 5, 7, 9, 2] };
const train = [{ ids: [1, 4, 3, 11, 2] }, { ids: [1, 8, 2] }];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Final hidden state of `ids` at `p`, from the plain forward. */
function hiddenAt(model: ReturnType<typeof createXdaModel>, ids: number[], p: number): Float32Array {
  const out = forwardBatch(model, { inputIds: ids, attentionMask: ids.map(() => 1), rows: 1, seqLen: ids.length }, { hiddenStates: true });
  const d = model.featureSize;
  return out.hiddenStates!.slice(p * d, (p + 1) * d);
}

describe.each([
  ['bert', TINY_BERT_CONFIG, tinyBertWeights],
  ['llama', TINY_LLAMA_CONFIG, tinyLlamaWeights],
] as const)('explainTopK on token rows (%s)', (_name, config, weights) => {
  it('kernel = <h_test[p], h_train[q]>, each side conserves alpha * kernel, and positions matter', () => {
    const model = createXdaModel(weights(), config);
    try {
      const pairs = explainTopK(model, test, train, { alphas: [0.5, -2], testPosition: 3, trainPositions: [1, 2] });
      [[1, 0.5], [2, -2]].forEach(([q, alpha], i) => {
        const a = hiddenAt(model, test.ids, 3);
        const b = hiddenAt(model, train[i]!.ids, q!);
        const dot = a.reduce((s, v, k) => s + v * b[k]!, 0);
        expect(pairs[i]!.kernel).toBeCloseTo(dot, 4);
        for (const side of [pairs[i]!.test!, pairs[i]!.train!]) expect(Math.abs(side.residual)).toBeLessThan(1e-3);
        expect(pairs[i]!.attribution).toBeCloseTo(alpha! * dot, 4);
      });
      const other = explainTopK(model, test, train, { testPosition: 0, trainPositions: [1, 2] });
      expect(other[0]!.kernel).not.toBeCloseTo(pairs[0]!.kernel, 3);
      expect(() => explainTopK(model, test, train, { testPosition: 9, trainPositions: [0, 0] })).toThrow(/position 9 is outside input 0 \(5 tokens\)/);
      expect(() => explainTopK(model, test, train, { trainPositions: [0, 0] })).toThrow(/testPosition and one train position/);
    } finally {
      model.dispose();
    }
  });
});
