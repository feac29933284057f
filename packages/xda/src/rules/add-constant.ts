import * as tf from '@tensorflow/tfjs';
import { AddConstant } from '../op-names.js';
import type { RuleConfig } from '../registry.js';

/**
 * `x + c` with a constant c (position / token-type embeddings): proportional split; c's share c ⊙ G
 * is absorbed (place `positionEmbeddings`). In `word` mode token relevance is the word-embedding
 * share (LXT); `per-position` mode gives each position its c ⊙ G back (explain/propagate.ts).
 */
export const addConstantRule: RuleConfig<typeof AddConstant> = {
  op: AddConstant,
  description: 'proportional split; the constant absorbs its share',
  conservative: () => false,
  relevance: (g) => [g],
  // c is read back as y − x: the constant attr is a per-batch tensor the forward scope may already
  // have disposed when the backward runs.
  absorbed: (g, { inputs, output }) => ({ positionEmbeddings: tf.mul(g, tf.sub(output, inputs[0] as tf.Tensor)) }),
};
