import { createTensor, type SafetensorsTensor, type Tensor } from '@dualxda/core';
import type { ArchitectureDescriptor, HeadParameterNames } from '../architectures/types.js';
import { ModelLoadError } from '../errors.js';

/** A linear head `logits = features · weightᵀ + bias`: the model's "original last layer". */
export interface LinearHead {
  /** Parameter name of the weight in `model.safetensors`. */
  name: string;
  /** [outputs, dim] row-major float32. */
  weight: Tensor<'float32'>;
  /** [outputs] or null for bias-free heads. */
  bias: Float32Array | null;
}

/** Reads one head's weight and optional bias, checking shapes against the hidden size. */
export function readHead(
  dir: string,
  weights: ReadonlyMap<string, SafetensorsTensor>,
  names: HeadParameterNames,
  hiddenSize: number,
): LinearHead {
  const w = weights.get(names.weight);
  if (w === undefined) throw new ModelLoadError(dir, 'model.safetensors', `head weight "${names.weight}" is missing`);
  if (w.shape.length !== 2 || w.shape[1] !== hiddenSize || !(w.data instanceof Float32Array)) {
    throw new ModelLoadError(dir, 'model.safetensors', `"${names.weight}" must be a float [K, ${hiddenSize}] matrix, got ${w.dtype} [${w.shape.join(', ')}]`);
  }
  const rows = w.shape[0] as number;
  let bias: Float32Array | null = null;
  if (names.bias !== undefined) {
    const b = weights.get(names.bias);
    if (b === undefined) throw new ModelLoadError(dir, 'model.safetensors', `head bias "${names.bias}" is missing`);
    if (b.shape.length !== 1 || b.shape[0] !== rows || !(b.data instanceof Float32Array)) {
      throw new ModelLoadError(dir, 'model.safetensors', `"${names.bias}" must be a float [${rows}] vector, got ${b.dtype} [${b.shape.join(', ')}]`);
    }
    bias = b.data;
  }
  return { name: names.weight, weight: createTensor('float32', [rows, hiddenSize], w.data), bias };
}

/**
 * Picks the sequence and token heads. A `*ForTokenClassification` checkpoint applies its
 * sequence-head parameters (or `descriptor.tokenClassifierHead`) to every token; otherwise the
 * first present entry of `descriptor.tokenHeads` is the token head, or none.
 */
export function resolveHeads(
  dir: string,
  descriptor: ArchitectureDescriptor,
  config: Record<string, unknown>,
  weights: ReadonlyMap<string, SafetensorsTensor>,
  hiddenSize: number,
): { sequenceHead: LinearHead | null; tokenHead: LinearHead | null } {
  const archs = Array.isArray(config['architectures']) ? (config['architectures'] as unknown[]) : [];
  const isTokenClassifier = archs.some((a) => typeof a === 'string' && a.endsWith('ForTokenClassification'));
  if (isTokenClassifier) {
    return { sequenceHead: null, tokenHead: readHead(dir, weights, descriptor.tokenClassifierHead ?? descriptor.sequenceHead, hiddenSize) };
  }
  const sequenceHead = readHead(dir, weights, descriptor.sequenceHead, hiddenSize);
  const tokenNames = descriptor.tokenHeads.find((h) => weights.has(h.weight));
  const tokenHead = tokenNames === undefined ? null : readHead(dir, weights, tokenNames, hiddenSize);
  return { sequenceHead, tokenHead };
}
