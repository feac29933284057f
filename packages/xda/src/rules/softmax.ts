import * as tf from '@tensorflow/tfjs';
import { Softmax } from '../op-names.js';
import type { RuleConfig } from '../registry.js';

/**
 * AttnLRP softmax rule R_in = x ⊙ (R_out − p Σ_j R_out,j), which in gradient×input form is the
 * softmax Jacobian: G_in = p ⊙ (G − Σ_j p_j G_j). Masked (−∞) entries have p = 0 and get G = 0, so
 * x⊙G never forms −∞·0. The rule is not conservative (its Taylor "bias"); the ledger records it.
 */
export const softmaxRule: RuleConfig<typeof Softmax> = {
  op: Softmax,
  description: 'AttnLRP softmax rule (gradient of softmax, -inf masks guarded)',
  conservative: () => false,
  relevance: (g, { output }) => {
    const pg = tf.mul(output, g);
    return [tf.sub(pg, tf.mul(output, tf.sum(pg, -1, true)))];
  },
  // The Taylor remainder y − J x with (J x)_j = p_j (x_j − Σ_i p_i x_i); masked entries have p = 0,
  // and a non-finite score (none today: the mask is applied inside the kernel) counts as 0.
  absorbed: (g, { inputs, output }) => {
    const raw = inputs[0] as tf.Tensor;
    const x = tf.where(tf.isFinite(raw), raw, tf.zerosLike(raw));
    const mean = tf.sum(tf.mul(output, x), -1, true);
    return { softmax: tf.mul(tf.mul(g, output), tf.add(tf.sub(1, x), mean)) };
  },
};
