import * as tf from '@tensorflow/tfjs';
import { isResidentMatrix } from '../gemm/weight-arena.js';
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
    const g2 = tf.reshape(scaled, [-1, outDim]);
    const w = attrs.weight;
    const flat = isResidentMatrix(w) ? w.backward(g2) : tf.matMul(g2, w);
    return [tf.reshape(flat, [...output.shape.slice(0, -1), inDim])];
  },
  // With r = z / stab(z, ε) (1 for ε = 0): Σ x ⊙ G_in = Σ (z − b) ⊙ G r, so the bias keeps b ⊙ G r
  // and the stabiliser z ⊙ G (1 − r).
  absorbed: (g, { output }, attrs, ctx) => {
    if (ctx.epsilon === 0) return attrs.bias === undefined ? {} : { biases: tf.mul(g, attrs.bias) };
    const r = tf.div(output, stabilize(output, ctx.epsilon));
    const stabiliser = tf.mul(tf.mul(g, output), tf.sub(1, r));
    return attrs.bias === undefined ? { stabiliser } : { biases: tf.mul(tf.mul(g, r), attrs.bias), stabiliser };
  },
};
