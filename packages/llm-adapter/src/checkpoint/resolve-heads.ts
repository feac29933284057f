import { createTensor, type SafetensorsTensor, type Tensor } from '@dualxda/core';
import type { ArchitectureDescriptor, HeadParameterNames } from '../architectures/types.js';
import { ModelLoadError } from '../errors.js';
import { readHeadTransform, type HeadTransform } from './head-transform.js';

/** A linear head `logits = features · weightᵀ + bias`: the model's "original last layer". */
export interface LinearHead {
  /** Parameter name of the weight in `model.safetensors`. */
  name: string;
  /** [outputs, dim] row-major float32. */
  weight: Tensor<'float32'>;
  /** [outputs] or null for bias-free heads. */
  bias: Float32Array | null;
  /**
   * What a class of this head is: `classifier` (absent: a label of `id2label`), `causal-lm`
   * (class k = vocabulary id k, the NEXT token; K = the vocabulary) or `masked-lm` (class k =
   * vocabulary id k, the token at the row's own position).
   */
  role?: 'classifier' | 'causal-lm' | 'masked-lm';
  /** Set when the head is tied to another parameter (`model.embed_tokens.weight` for a tied `lm_head`). */
  tiedTo?: string;
  /** Masked-LM heads: the map from the hidden state to the head's input (the token feature is its output). */
  transform?: HeadTransform;
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
 * sequence-head parameters (or `descriptor.tokenClassifierHead`) to every token; a `*ForCausalLM`
 * checkpoint has its LM head (`causalLmHead`, or the embedding when tied) as the token head and no
 * sequence head; a `*ForMaskedLM` one its decoder with the transform feeding it (families without
 * one are refused by name); otherwise the first present entry of `descriptor.tokenHeads` is the
 * token head, or none.
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
  const arch = (suffix: string): string | undefined => archs.find((a): a is string => typeof a === 'string' && a.endsWith(suffix));
  const src: HeadSource = { dir, descriptor, config, weights, hiddenSize };
  const causal = arch('ForCausalLM');
  if (causal !== undefined) return { sequenceHead: null, tokenHead: causalLmHead(src, causal) };
  const masked = arch('ForMaskedLM');
  if (masked !== undefined) return { sequenceHead: null, tokenHead: maskedLmHead(src, masked) };
  if (isTokenClassifier) {
    return { sequenceHead: null, tokenHead: readHead(dir, weights, descriptor.tokenClassifierHead ?? descriptor.sequenceHead, hiddenSize) };
  }
  const sequenceHead = readHead(dir, weights, descriptor.sequenceHead, hiddenSize);
  const tokenNames = descriptor.tokenHeads.find((h) => weights.has(h.weight));
  const tokenHead = tokenNames === undefined ? null : readHead(dir, weights, tokenNames, hiddenSize);
  return { sequenceHead, tokenHead };
}

/** What the LM-head resolvers read: the folder, its descriptor, config and weights. */
interface HeadSource {
  dir: string;
  descriptor: ArchitectureDescriptor;
  config: Record<string, unknown>;
  weights: ReadonlyMap<string, SafetensorsTensor>;
  hiddenSize: number;
}

/**
 * The LM head of a `*ForCausalLM` checkpoint: `lm_head.weight` when the file has it, else, with
 * `tie_word_embeddings: true` (transformers does not save a tied copy), the embedding matrix.
 *
 * @throws ModelLoadError naming both parameters and the config field when neither applies.
 */
function causalLmHead({ dir, descriptor, config, weights, hiddenSize }: HeadSource, arch: string): LinearHead {
  const names = descriptor.causalLmHead;
  if (names === undefined) throw new ModelLoadError(dir, 'config.json', `architecture "${arch}": the ${descriptor.modelType} descriptor names no causal-LM head`);
  if (weights.has(names.weight)) return { ...readHead(dir, weights, names, hiddenSize), role: 'causal-lm' };
  if (config['tie_word_embeddings'] !== true) {
    throw new ModelLoadError(
      dir,
      'model.safetensors',
      `"${arch}" needs its LM head "${names.weight}", which is missing, and config.json field "tie_word_embeddings" is not true (so "${descriptor.embeddingWeight}" is not the head either)`,
    );
  }
  // Named as the head the model applies (`lm_head`), with the parameter it shares.
  return { ...readHead(dir, weights, { weight: descriptor.embeddingWeight }, hiddenSize), name: names.weight, role: 'causal-lm', tiedTo: descriptor.embeddingWeight };
}

/**
 * The MLM head of a `*ForMaskedLM` checkpoint: the decoder (its weight, or the embedding when tied:
 * transformers saves no tied copy) with the transform that feeds it.
 *
 * @throws ModelLoadError for a family without a masked-LM head (named), or a missing parameter.
 */
function maskedLmHead({ dir, descriptor, config, weights, hiddenSize }: HeadSource, arch: string): LinearHead {
  const names = descriptor.maskedLmHead;
  if (names === undefined) {
    throw new ModelLoadError(dir, 'config.json', `architecture "${arch}" is not supported: the ${descriptor.modelType} descriptor names no masked-LM head (its transform and decoder); use a *ForSequenceClassification or *ForTokenClassification checkpoint`);
  }
  const transform = readHeadTransform(dir, weights, names.transform, hiddenSize, config);
  const tied = !weights.has(names.decoder.weight);
  if (tied && config['tie_word_embeddings'] === false) {
    throw new ModelLoadError(dir, 'model.safetensors', `"${arch}" needs its decoder "${names.decoder.weight}", which is missing, and config.json field "tie_word_embeddings" is false`);
  }
  const read = readHead(dir, weights, tied ? { ...names.decoder, weight: descriptor.embeddingWeight } : names.decoder, hiddenSize);
  return { ...read, name: names.decoder.weight, role: 'masked-lm', transform, ...(tied ? { tiedTo: descriptor.embeddingWeight } : {}) };
}
