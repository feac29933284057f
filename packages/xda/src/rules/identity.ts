import * as tf from '@tensorflow/tfjs';
import type { OpName } from '../op-names.js';
import type { RuleConfig } from '../registry.js';
import { IDENTITY_EPSILON, stabilize } from './stabilize.js';

/**
 * AttnLRP identity rule for an element-wise non-linearity y = f(x): R_in = R_out, i.e.
 * G_in = G_out · y / x (stabilised). Shared by the GELU, SiLU and tanh rules.
 */
export function defineIdentityRule<K extends OpName>(op: K, name: string): RuleConfig<K> {
  return {
    op,
    description: `identity rule for ${name}: R_in = R_out`,
    conservative: () => true,
    relevance: (g, { inputs, output }) => [tf.div(tf.mul(g, output), stabilize(inputs[0] as tf.Tensor, IDENTITY_EPSILON))],
    // Σ x ⊙ G_in = Σ G ⊙ y ⊙ x / stab(x): the stabiliser keeps G ⊙ y ⊙ (1 − x / stab(x)).
    absorbed: (g, { inputs, output }) => {
      const x = inputs[0] as tf.Tensor;
      return { stabiliser: tf.mul(tf.mul(g, output), tf.sub(1, tf.div(x, stabilize(x, IDENTITY_EPSILON)))) };
    },
  };
}
