/**
 * Op names of the XDA graph. Forward kernels (`kernels.ts`) and relevance rules (`rules/*.ts`) are
 * registered separately under these names, like tfjs kernels and gradients, so a model forward is a
 * sequence of `applyOp(ctx, OpName, inputs, attrs)` calls and swapping the rule set never touches
 * the model code.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ResidentMatrix } from './gemm/weight-arena.js';

export const Linear = 'Linear';
export const Add = 'Add';
export const AddConstant = 'AddConstant';
export const LayerNorm = 'LayerNorm';
export const RmsNorm = 'RMSNorm';
export const Gelu = 'Gelu';
/** GELU with the tanh approximation (HF `gelu_pytorch_tanh`, Gemma's MLP). */
export const GeluTanh = 'GeluTanh';
export const Silu = 'Silu';
export const Tanh = 'Tanh';
export const Relu = 'Relu';
export const Softmax = 'Softmax';
export const MatMulQK = 'MatMulQK';
export const MatMulAV = 'MatMulAV';
export const GatedProduct = 'GatedProduct';
export const RoPE = 'RoPE';
export const SplitHeads = 'SplitHeads';
export const MergeHeads = 'MergeHeads';
export const RepeatKV = 'RepeatKV';
export const SelectToken = 'SelectToken';
export const Dropout = 'Dropout';

/**
 * `y = x Wᵀ + b` over the last axis; `weight` is HF layout `[out, in]`: a tf tensor, or a matrix
 * held outside the tfjs heap (`gemm/weight-arena.ts`, for models too large for it).
 */
export interface LinearAttrs {
  weight: tf.Tensor2D | ResidentMatrix;
  bias?: tf.Tensor1D;
  /**
   * `weight` transposed (`[in, out]`), made once per model by `transposedWeights` (within a memory
   * budget): the forward then multiplies untransposed, tfjs-wasm's fast matMul path (~15× the
   * transposed one).
   */
  weightT?: tf.Tensor2D;
}
/** `x + constant` where the constant (position/type embedding) does not depend on the input. */
export interface AddConstantAttrs {
  constant: tf.Tensor;
}
export interface LayerNormAttrs {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  eps: number;
}
export interface RmsNormAttrs {
  weight: tf.Tensor1D;
  eps: number;
}
/** `mask` is boolean, broadcastable to the scores `[B, H, T, S]`; false entries are −∞. */
export interface SoftmaxAttrs {
  mask: tf.Tensor;
}
export interface MatMulQKAttrs {
  scale: number;
}
export interface RopeAttrs {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}
export interface HeadsAttrs {
  numHeads: number;
}
export interface RepeatKVAttrs {
  repeats: number;
}
/** Picks one position per batch row: `index[b]`. */
export interface SelectTokenAttrs {
  index: number[];
}
export type NoAttrs = Record<string, never>;

/** Attribute type of every op, keyed by op name. */
export interface OpAttrsMap {
  [Linear]: LinearAttrs;
  [Add]: NoAttrs;
  [AddConstant]: AddConstantAttrs;
  [LayerNorm]: LayerNormAttrs;
  [RmsNorm]: RmsNormAttrs;
  [Gelu]: NoAttrs;
  [GeluTanh]: NoAttrs;
  [Silu]: NoAttrs;
  [Tanh]: NoAttrs;
  [Relu]: NoAttrs;
  [Softmax]: SoftmaxAttrs;
  [MatMulQK]: MatMulQKAttrs;
  [MatMulAV]: NoAttrs;
  [GatedProduct]: NoAttrs;
  [RoPE]: RopeAttrs;
  [SplitHeads]: HeadsAttrs;
  [MergeHeads]: NoAttrs;
  [RepeatKV]: RepeatKVAttrs;
  [SelectToken]: SelectTokenAttrs;
  [Dropout]: NoAttrs;
}

export type OpName = keyof OpAttrsMap;

/** Every declared op name (the rule-coverage test walks this list). */
export const OP_NAMES: readonly OpName[] = [
  Linear, Add, AddConstant, LayerNorm, RmsNorm, Gelu, GeluTanh, Silu, Tanh, Relu, Softmax, MatMulQK, MatMulAV,
  GatedProduct, RoPE, SplitHeads, MergeHeads, RepeatKV, SelectToken, Dropout,
];
