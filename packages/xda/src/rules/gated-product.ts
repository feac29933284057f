import * as tf from '@tensorflow/tfjs';
import { GatedProduct } from '../op-names.js';
import type { RuleConfig } from '../registry.js';

/**
 * Gated MLP product act(gate) ⊙ up. AttnLRP: uniform rule, half to each factor. CP-LRP: the gate
 * is detached, `up` receives all relevance.
 */
export const gatedProductRule: RuleConfig<typeof GatedProduct> = {
  op: GatedProduct,
  description: 'uniform (1/2, 1/2) rule on the gated product; CP-LRP: all to up',
  conservative: () => true,
  relevance: (g, { inputs }, _attrs, ctx) => {
    const [a, u] = inputs as [tf.Tensor, tf.Tensor];
    if (ctx.variant === 'cp-lrp') return [null, tf.mul(g, a)];
    const gh = tf.mul(g, 0.5);
    return [tf.mul(gh, u), tf.mul(gh, a)];
  },
};
