import * as tf from '@tensorflow/tfjs';
import { Linear } from '../op-names.js';
import type { RuleConfig } from '../registry.js';
import { stabilize } from './stabilize.js';

/**
 * ε-rule for linear layers: R_in = x ⊙ Wᵀ(R_out / stab(z, ε)) with z = xWᵀ + b, i.e.
 * G_in = (G_out · z / stab(z, ε)) W. ε = 0 is LRP-0, the plain gradient. The bias (and, for ε > 0,
 * the stabiliser) absorbs relevance; the engine's ledger records it under `Linear`.
 */
export const linearRule: RuleConfig<typeof Linear> = {
  op: Linear,
  description: 'epsilon rule (LRP-ε; ε = 0 is LRP-0), bias absorbs its share',
  conservative: () => false,
  relevance: (g, { output }, attrs, ctx) => {
    const scaled = ctx.epsilon === 0 ? g : tf.div(tf.mul(g, output), stabilize(output, ctx.epsilon));
    const outDim = attrs.weight.shape[0];
    const inDim = attrs.weight.shape[1];
    const flat = tf.matMul(tf.reshape(scaled, [-1, outDim]), attrs.weight);
    return [tf.reshape(flat, [...output.shape.slice(0, -1), inDim])];
  },
};
