import type * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@dualxda/core';
import { applyOp, type ExecutionContext } from '../engine.js';
import type { PaddedBatch, XdaModel } from '../models/types.js';

/**
 * The model seen from token rows (token classification, `cache --head token`): the feature of batch
 * row b is the final hidden state at position `positions[b]`, the input of the token head, instead
 * of the pooled sequence feature; with a masked-LM head it is the head transform of that state
 * (`tokenTransform`), the decoder's input. XDA of a pair of token rows then decomposes
 * ⟨f_test[p], f_train[q]⟩, the kernel between the two stored rows. The wrapper is built per batch
 * because the position belongs to the input, and `propagate`/`extractFeatures` run their inputs as
 * one batch in order.
 *
 * @throws InvalidOptionError when the model has no `hiddenStates`, or a position is outside its input.
 * @example
 * const m = atTokenPositions(model, [3, 0]);
 * extractFeatures(m, [a, b]); // [h_a[3], h_b[0]]
 */
export function atTokenPositions(model: XdaModel, positions: readonly number[]): XdaModel {
  const hiddenStates = model.hiddenStates?.bind(model);
  if (hiddenStates === undefined) throw new InvalidOptionError('positions', `the ${model.modelType} XDA model has no per-token hidden states, so token rows cannot be explained`);
  return {
    modelType: model.modelType,
    featureSize: model.featureSize,
    vocabSize: model.vocabSize,
    maxPositions: model.maxPositions,
    head: model.head,
    embed: (batch) => model.embed(batch),
    positionEmbeddings: (batch) => model.positionEmbeddings(batch),
    features(ctx: ExecutionContext, wordEmbeddings: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
      if (positions.length !== batch.lengths.length) throw new InvalidOptionError('positions', `has ${positions.length} entries for a batch of ${batch.lengths.length}`);
      positions.forEach((p, b) => {
        const n = batch.lengths[b] as number;
        if (!Number.isInteger(p) || p < 0 || p >= n) throw new InvalidOptionError('positions', `position ${p} is outside input ${b} (${n} tokens)`);
      });
      const hidden = hiddenStates(ctx, wordEmbeddings, batch);
      const rows = applyOp(ctx, 'SelectToken', [hidden], { index: [...positions] }) as tf.Tensor2D;
      // Masked-LM rows: the stored feature is the head transform's output at the position.
      return model.tokenTransform === undefined ? rows : model.tokenTransform(ctx, rows);
    },
    dispose: () => model.dispose(),
  };
}
