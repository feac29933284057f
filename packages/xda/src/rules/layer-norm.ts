import * as tf from '@tensorflow/tfjs';
import { LayerNorm } from '../op-names.js';
import type { RuleConfig } from '../registry.js';
import { layerNormScale } from '../kernels.js';

/**
 * LayerNorm with the 1/std factor detached (AttnLRP): y = (x − mean x)·s·γ + β with s constant,
 * so G_in = s·(Gγ − mean(Gγ)) (the centering is linear and self-adjoint); β absorbs its share.
 */
export const layerNormRule: RuleConfig<typeof LayerNorm> = {
  op: LayerNorm,
  description: 'detached-scale LayerNorm (identity on 1/std), beta absorbs its share',
  conservative: () => false,
  relevance: (g, { inputs }, attrs) => {
    const { scale } = layerNormScale(inputs[0] as tf.Tensor, attrs.eps);
    const gg = tf.mul(g, attrs.gamma);
    return [tf.mul(tf.sub(gg, tf.mean(gg, -1, true)), scale)];
  },
  // Σ x ⊙ G_in = Σ (x − mean x)·s·γ ⊙ G = Σ (y − β) ⊙ G: β keeps β ⊙ G.
  absorbed: (g, _saved, attrs) => ({ normalisation: tf.mul(g, attrs.beta) }),
};
