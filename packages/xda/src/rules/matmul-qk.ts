import * as tf from '@tensorflow/tfjs';
import { MatMulQK } from '../op-names.js';
import type { RuleConfig } from '../registry.js';
import { batchMatMul } from '../gemm/batch-matmul.js';

/**
 * Attention scores S = s·Q Kᵀ. AttnLRP: uniform rule on the bilinear product, each factor gets
 * half (G_Q = ½ s G K, G_K = ½ s Gᵀ Q). CP-LRP: Q and K are detached, no relevance flows here.
 */
export const matMulQKRule: RuleConfig<typeof MatMulQK> = {
  op: MatMulQK,
  description: 'uniform (1/2, 1/2) rule on QK^T; CP-LRP: detached',
  // Under CP-LRP the scores path is detached: whatever reaches it (0 in a transformer) is absorbed.
  conservative: (variant) => variant === 'attnlrp',
  relevance: (g, { inputs }, attrs, ctx) => {
    if (ctx.variant === 'cp-lrp') return [null, null];
    const [q, k] = inputs as [tf.Tensor, tf.Tensor];
    const gs = tf.mul(g, 0.5 * attrs.scale);
    return [batchMatMul(gs, k), batchMatMul(gs, q, true, false)];
  },
  // CP-LRP keeps whatever reaches the detached scores (0 in a transformer: A·V passes none to A).
  absorbed: (g, { output }, _attrs, ctx) => (ctx.variant === 'cp-lrp' ? { softmax: tf.mul(g, output) } : {}),
};
