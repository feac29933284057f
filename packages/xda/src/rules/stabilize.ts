import type * as tf from '@tensorflow/tfjs';
import { mapFloat32 } from '../gemm/tensor-io.js';

/**
 * Sign-aware stabiliser `z + ε·sign(z)` with sign(0) = +1 (zennit convention), so it never divides
 * by 0. One float32 add per element, as `z + where(z ≥ 0, ε, −ε)` in tfjs, computed in JS: the
 * tfjs-wasm comparison and select kernels cost more than the rest of a rule.
 */
export function stabilize(z: tf.Tensor, eps: number): tf.Tensor {
  const e32 = Math.fround(eps);
  return mapFloat32([z], z.shape, ([v], out) => {
    const zs = v as Float32Array;
    for (let i = 0; i < zs.length; i++) {
      const x = zs[i] as number;
      // ±ε without a branch: signs of activations are a coin toss, and mispredictions cost 4×.
      out[i] = x + e32 * (Number(x >= 0) - Number(x < 0));
    }
  });
}

/** ε of the identity rule's `y / (x + ε)`, as in LXT (1e-10). */
export const IDENTITY_EPSILON = 1e-10;
