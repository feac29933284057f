/**
 * Where a model's Linear weights live: tf tensors (with the `[in, out]` copies of
 * `transposedWeights`, tfjs-wasm's fastest path for small models), or our own WebAssembly memories
 * (`gemm/weight-arena.ts`), which hold each matrix once and leave the 4 GB tfjs-wasm heap to the
 * activations, so 0.5B-parameter decoders fit.
 */
import type * as tf from '@tensorflow/tfjs';
import { ModelWeightsError } from '../errors.js';
import { createWeightArena, isResidentMatrix, type WeightArena } from '../gemm/weight-arena.js';
import type { LinearAttrs } from '../op-names.js';
import type { HeadAttrs, WeightMap } from './types.js';
import { maybeWeight, takeWeight, transposedWeights } from './weights.js';

/** `auto`: `resident` when the model's matrices pass `RESIDENT_LINEAR_MIN_BYTES`, else `tfjs`. */
export type LinearPlacement = 'auto' | 'tfjs' | 'resident';

/** Options of `createXdaModel`. */
export interface XdaModelOptions {
  /** @default 'auto' */
  linearWeights?: LinearPlacement;
}

/**
 * float32 bytes of 2-D weights (embeddings excluded) from which `auto` keeps Linear weights out of
 * the tfjs heap: a BERT-base (340 MB) stays on the tfjs path, a 0.5B decoder (1.4 GB, which the
 * tfjs heap would hold three times over) does not.
 */
export const RESIDENT_LINEAR_MIN_BYTES = 512 * 2 ** 20;

/** Makes a model's Linear layers and frees them. */
export interface LinearFactory {
  /** `name.weight` `[o, i]` and `name.bias` `[o]` (`bias: 'required'` names a missing one). */
  linear(name: string, o: number, i: number, bias?: 'optional' | 'required'): LinearAttrs;
  /** The same as a tf tensor layer whatever the placement (the small classification head). */
  head(name: string, o: number, i: number): HeadAttrs;
  readonly placement: 'tfjs' | 'resident';
  /** The tf tensors of a layer, for the model's `dispose`. */
  tensors(attrs: LinearAttrs): tf.Tensor[];
  /** Frees the resident matrices (tf tensors go through `tensors`). */
  release(): void;
}

/** Bytes of the 2-D, non-embedding weights: what `auto` compares with the threshold. */
function matrixBytes(weights: WeightMap): number {
  let bytes = 0;
  for (const [name, w] of weights) if (w.shape.length === 2 && !/embed/.test(name)) bytes += 4 * (w.shape[0] as number) * (w.shape[1] as number);
  return bytes;
}

/** The placement `auto` resolves to for these weights. */
export function resolveLinearPlacement(weights: WeightMap, placement: LinearPlacement = 'auto'): 'tfjs' | 'resident' {
  if (placement !== 'auto' && placement !== 'tfjs' && placement !== 'resident') {
    throw new ModelWeightsError('options.linearWeights', `must be 'auto', 'tfjs' or 'resident', got ${JSON.stringify(placement)}`);
  }
  if (placement !== 'auto') return placement;
  return matrixBytes(weights) >= RESIDENT_LINEAR_MIN_BYTES ? 'resident' : 'tfjs';
}

/**
 * The Linear-layer maker of one model build.
 *
 * @example
 * const lin = linearFactory(weights, options);
 * const q = lin.linear('model.layers.0.self_attn.q_proj', 896, 896);
 */
export function linearFactory(weights: WeightMap, options: XdaModelOptions = {}): LinearFactory {
  const wanted = resolveLinearPlacement(weights, options.linearWeights);
  const arena: WeightArena | null = wanted === 'resident' ? createWeightArena() : null;
  const withTransposedWeight = transposedWeights();
  const biasOf = (name: string, o: number, bias: 'optional' | 'required') =>
    (bias === 'required' ? takeWeight(weights, `${name}.bias`, [o]) : maybeWeight(weights, `${name}.bias`, [o])) as tf.Tensor1D | undefined;

  function linear(name: string, o: number, i: number, bias: 'optional' | 'required' = 'optional'): LinearAttrs {
    if (arena === null) return withTransposedWeight({ weight: takeWeight(weights, `${name}.weight`, [o, i]) as tf.Tensor2D, bias: biasOf(name, o, bias) });
    const w = weights.get(`${name}.weight`);
    if (w === undefined) throw new ModelWeightsError(`${name}.weight`, 'weight missing from the weight map');
    if (w.shape.length !== 2 || w.shape[0] !== o || w.shape[1] !== i) {
      throw new ModelWeightsError(`${name}.weight`, `expected shape [${o}, ${i}], got [${w.shape.join(', ')}]`);
    }
    const data = w.data instanceof Float32Array ? w.data : Float32Array.from(w.data as ArrayLike<number>, Number);
    return { weight: arena.add(`${name}.weight`, data, o, i), bias: biasOf(name, o, bias) };
  }

  return {
    linear,
    head: (name, o, i) => withTransposedWeight({ weight: takeWeight(weights, `${name}.weight`, [o, i]) as tf.Tensor2D, bias: biasOf(name, o, 'optional') }) as HeadAttrs,
    placement: arena === null ? 'tfjs' : 'resident',
    tensors: (a) => [...(isResidentMatrix(a.weight) ? [] : [a.weight]), ...(a.bias ? [a.bias] : []), ...(a.weightT ? [a.weightT] : [])],
    release: () => arena?.release(),
  };
}
