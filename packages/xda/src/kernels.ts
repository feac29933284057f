/**
 * Forward kernels, keyed by op name. They are plain tfjs compositions; the relevance behaviour of
 * each op lives in its rule (`rules/*.ts`), never here.
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from './gemm/batch-matmul.js';
import { mapFloat32 } from './gemm/tensor-io.js';
import { isResidentMatrix } from './gemm/weight-arena.js';
import * as ops from './op-names.js';
import type { OpAttrsMap, OpName } from './op-names.js';

export type ForwardKernel<K extends OpName> = (inputs: tf.Tensor[], attrs: OpAttrsMap[K]) => tf.Tensor;

function at(inputs: tf.Tensor[], i: number): tf.Tensor {
  const t = inputs[i];
  if (t === undefined) throw new RangeError(`kernel input ${i} missing`);
  return t;
}

/** `x Wᵀ (+ b)` over the last axis, any leading shape. */
export function linearForward(x: tf.Tensor, attrs: ops.LinearAttrs): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1] as number;
  const outDim = attrs.weight.shape[0];
  const x2 = tf.reshape(x, [-1, inDim]);
  const w = attrs.weight;
  const flat = isResidentMatrix(w) ? w.forward(x2) : attrs.weightT === undefined ? tf.matMul(x2, w, false, true) : tf.matMul(x2, attrs.weightT);
  const z = attrs.bias === undefined ? flat : tf.add(flat, attrs.bias);
  return tf.reshape(z, [...x.shape.slice(0, -1), outDim]);
}

/**
 * Masked softmax over the last axis; fully masked rows give 0, not NaN. The mask enters as an
 * additive 0 / −∞ term at its own (broadcastable) shape: x + 0 is x exactly and exp(−∞) is 0, so
 * this equals selecting with the broadcast mask, without materialising it (tfjs-wasm's broadcast is
 * slower than the whole softmax).
 */
export function maskedSoftmax(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const masked = tf.add(x, tf.where(mask, tf.zeros(mask.shape), tf.fill(mask.shape, -Infinity)));
  const rowMax = tf.max(masked, -1, true);
  const safeMax = tf.where(tf.isFinite(rowMax), rowMax, tf.zerosLike(rowMax));
  const e = tf.exp(tf.sub(masked, safeMax));
  const denom = tf.sum(e, -1, true);
  return tf.div(e, tf.where(tf.greater(denom, 0), denom, tf.onesLike(denom)));
}

/** `1 / sqrt(var + eps)` over the last axis, the factor AttnLRP detaches. */
export function layerNormScale(x: tf.Tensor, eps: number): { centered: tf.Tensor; scale: tf.Tensor } {
  const centered = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centered), -1, true);
  return { centered, scale: tf.rsqrt(tf.add(variance, eps)) };
}

export function rmsScale(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps));
}

/** HF `rotate_half`: concat(−x2, x1) over the last axis. */
function rotateHalf(x: tf.Tensor): tf.Tensor {
  const d = x.shape[x.shape.length - 1] as number;
  const [x1, x2] = tf.split(x, [d / 2, d / 2], -1) as [tf.Tensor, tf.Tensor];
  return tf.concat([tf.neg(x2), x1], -1);
}

/**
 * `[B, T, H]` → `[B, H]`, row b at position `index[b]`, as row copies with a custom gradient that
 * writes G into one zero `[B, T, H]` tensor. Not gather (its gradient needs UnsortedSegmentSum,
 * which the wasm backend lacks), and not per-row slices, whose gradient pads every row to the
 * whole batch (B² work).
 */
function selectToken(x: tf.Tensor, index: readonly number[]): tf.Tensor {
  const [b, t, h] = x.shape as [number, number, number];
  if (index.length !== b || index.some((p) => !Number.isInteger(p) || p < 0 || p >= t)) {
    throw new RangeError(`SelectToken: index [${index.join(', ')}] does not pick one of ${t} positions in each of ${b} rows`);
  }
  const select = tf.customGrad((...args: unknown[]) => ({
    value: mapFloat32([args[0] as tf.Tensor], [b, h], ([v], out) => {
      for (let r = 0; r < b; r++) out.set((v as Float32Array).subarray((r * t + (index[r] as number)) * h, (r * t + (index[r] as number) + 1) * h), r * h);
    }),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => mapFloat32([Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy], [b, t, h], ([g], out) => {
      out.fill(0);
      for (let r = 0; r < b; r++) out.set((g as Float32Array).subarray(r * h, (r + 1) * h), (r * t + (index[r] as number)) * h);
    }),
  }));
  return select(x);
}

const KERNELS: { [K in OpName]: ForwardKernel<K> } = {
  [ops.Linear]: (xs, a) => linearForward(at(xs, 0), a),
  [ops.Add]: (xs) => tf.add(at(xs, 0), at(xs, 1)),
  [ops.AddConstant]: (xs, a) => tf.add(at(xs, 0), a.constant),
  [ops.LayerNorm]: (xs, a) => {
    const { centered, scale } = layerNormScale(at(xs, 0), a.eps);
    return tf.add(tf.mul(tf.mul(centered, scale), a.gamma), a.beta);
  },
  [ops.RmsNorm]: (xs, a) => tf.mul(tf.mul(at(xs, 0), rmsScale(at(xs, 0), a.eps)), a.weight),
  // Exact (erf) GELU as in HF BERT's default `hidden_act: "gelu"`.
  [ops.Gelu]: (xs) => tf.mul(tf.mul(at(xs, 0), 0.5), tf.add(1, tf.erf(tf.mul(at(xs, 0), Math.SQRT1_2)))),
  // HF `gelu_pytorch_tanh`: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
  [ops.GeluTanh]: (xs) => {
    const x = at(xs, 0);
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  },
  [ops.Silu]: (xs) => tf.mul(at(xs, 0), tf.sigmoid(at(xs, 0))),
  [ops.Tanh]: (xs) => tf.tanh(at(xs, 0)),
  [ops.Relu]: (xs) => tf.relu(at(xs, 0)),
  [ops.Softmax]: (xs, a) => maskedSoftmax(at(xs, 0), a.mask),
  [ops.MatMulQK]: (xs, a) => tf.mul(batchMatMul(at(xs, 0), at(xs, 1), false, true), a.scale),
  [ops.MatMulAV]: (xs) => batchMatMul(at(xs, 0), at(xs, 1)),
  [ops.GatedProduct]: (xs) => tf.mul(at(xs, 0), at(xs, 1)),
  [ops.RoPE]: (xs, a) => tf.add(tf.mul(at(xs, 0), a.cos), tf.mul(rotateHalf(at(xs, 0)), a.sin)),
  // [B, T, H·D] -> [B, H, T, D]
  [ops.SplitHeads]: (xs, a) => {
    const [b, t, hd] = at(xs, 0).shape as [number, number, number];
    return tf.transpose(tf.reshape(at(xs, 0), [b, t, a.numHeads, hd / a.numHeads]), [0, 2, 1, 3]);
  },
  // [B, H, T, D] -> [B, T, H·D]
  [ops.MergeHeads]: (xs) => {
    const [b, h, t, d] = at(xs, 0).shape as [number, number, number, number];
    return tf.reshape(tf.transpose(at(xs, 0), [0, 2, 1, 3]), [b, t, h * d]);
  },
  // GQA: [B, Hkv, T, D] -> [B, Hkv·r, T, D], each kv head repeated r times consecutively (HF repeat_kv).
  [ops.RepeatKV]: (xs, a) => {
    const [b, h, t, d] = at(xs, 0).shape as [number, number, number, number];
    if (a.repeats === 1) return at(xs, 0);
    // rank-4 tile: tfjs has no tile gradient above rank 4.
    const tiled = tf.tile(tf.reshape(at(xs, 0), [b, h, 1, t * d]), [1, 1, a.repeats, 1]);
    return tf.reshape(tiled, [b, h * a.repeats, t, d]);
  },
  [ops.SelectToken]: (xs, a) => selectToken(at(xs, 0), a.index),
  [ops.Dropout]: (xs) => at(xs, 0),
};

/** The forward kernel of an op. */
export function getKernel<K extends OpName>(op: K): ForwardKernel<K> {
  return KERNELS[op] as ForwardKernel<K>;
}
