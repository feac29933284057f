/**
 * Forward kernels, keyed by op name. They are plain tfjs compositions; the relevance behaviour of
 * each op lives in its rule (`rules/*.ts`), never here.
 */
import * as tf from '@tensorflow/tfjs';
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
  const flat = tf.matMul(tf.reshape(x, [-1, inDim]), attrs.weight, false, true);
  const z = attrs.bias === undefined ? flat : tf.add(flat, attrs.bias);
  return tf.reshape(z, [...x.shape.slice(0, -1), outDim]);
}

/** Masked softmax over the last axis; fully masked rows give 0, not NaN. */
export function maskedSoftmax(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const m = tf.broadcastTo(mask, x.shape);
  const negInf = tf.fill(x.shape, -Infinity);
  const masked = tf.where(m, x, negInf);
  const rowMax = tf.max(masked, -1, true);
  const safeMax = tf.where(tf.isFinite(rowMax), rowMax, tf.zerosLike(rowMax));
  const e = tf.where(m, tf.exp(tf.sub(x, safeMax)), tf.zerosLike(x));
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
  [ops.Silu]: (xs) => tf.mul(at(xs, 0), tf.sigmoid(at(xs, 0))),
  [ops.Tanh]: (xs) => tf.tanh(at(xs, 0)),
  [ops.Relu]: (xs) => tf.relu(at(xs, 0)),
  [ops.Softmax]: (xs, a) => maskedSoftmax(at(xs, 0), a.mask),
  [ops.MatMulQK]: (xs, a) => tf.mul(tf.matMul(at(xs, 0), at(xs, 1), false, true), a.scale),
  [ops.MatMulAV]: (xs) => tf.matMul(at(xs, 0), at(xs, 1)),
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
  // [B, T, H] -> [B, H] at position index[b]. Slices, not gather: gather's gradient needs
  // UnsortedSegmentSum, which the wasm backend lacks.
  [ops.SelectToken]: (xs, a) => {
    const x = at(xs, 0);
    const h = x.shape[2] as number;
    const rows = a.index.map((p, b) => tf.slice(x, [b, p, 0], [1, 1, h]));
    return tf.reshape(rows.length === 1 ? (rows[0] as tf.Tensor) : tf.concat(rows, 0), [a.index.length, h]);
  },
  [ops.Dropout]: (xs) => at(xs, 0),
};

/** The forward kernel of an op. */
export function getKernel<K extends OpName>(op: K): ForwardKernel<K> {
  return KERNELS[op] as ForwardKernel<K>;
}
