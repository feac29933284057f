import * as tf from '@tensorflow/tfjs';
import { RmsNorm } from '../op-names.js';
import type { RuleConfig } from '../registry.js';
import { rmsScale } from '../kernels.js';

/** RMSNorm with the rsqrt factor detached (AttnLRP identity rule): G_in = G·w·s, R_in = R_out. */
export const rmsNormRule: RuleConfig<typeof RmsNorm> = {
  op: RmsNorm,
  description: 'detached-scale RMSNorm (identity rule)',
  conservative: () => true,
  relevance: (g, { inputs }, attrs) => [tf.mul(tf.mul(g, attrs.weight), rmsScale(inputs[0] as tf.Tensor, attrs.eps))],
};
