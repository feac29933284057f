import * as tf from '@tensorflow/tfjs';

/** Sign-aware stabiliser `z + ε·sign(z)` with sign(0) = +1 (zennit convention), so it never divides by 0. */
export function stabilize(z: tf.Tensor, eps: number): tf.Tensor {
  return tf.add(z, tf.where(tf.greaterEqual(z, 0), tf.fill(z.shape, eps), tf.fill(z.shape, -eps)));
}

/** ε of the identity rule's `y / (x + ε)`, as in LXT (1e-10). */
export const IDENTITY_EPSILON = 1e-10;
