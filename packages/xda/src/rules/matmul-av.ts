import * as tf from '@tensorflow/tfjs';
import { MatMulAV } from '../op-names.js';
import type { RuleConfig } from '../registry.js';
import { batchMatMul } from '../gemm/batch-matmul.js';

/**
 * Attention output O = A V. AttnLRP: uniform rule, A and V get half each. CP-LRP: A is a constant,
 * V receives all relevance (plain gradient w.r.t. V).
 */
export const matMulAVRule: RuleConfig<typeof MatMulAV> = {
  op: MatMulAV,
  description: 'uniform (1/2, 1/2) rule on A·V; CP-LRP: all to V',
  conservative: () => true,
  relevance: (g, { inputs }, _attrs, ctx) => {
    const [a, v] = inputs as [tf.Tensor, tf.Tensor];
    if (ctx.variant === 'cp-lrp') return [null, batchMatMul(a, g, true, false)];
    const gh = tf.mul(g, 0.5);
    return [batchMatMul(gh, v, false, true), batchMatMul(a, gh, true, false)];
  },
};
