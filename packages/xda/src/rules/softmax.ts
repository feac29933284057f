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
};
