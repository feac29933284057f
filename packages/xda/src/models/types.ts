import type * as tf from '@tensorflow/tfjs';
import type { ExecutionContext } from '../engine.js';
import type { LinearAttrs } from '../op-names.js';

/** One weight as `readSafetensors` (@dualxda/core) returns it. */
export interface WeightEntry {
  shape: number[];
  data: ArrayLike<number | bigint>;
}

/** HF parameter name -> weight. */
export type WeightMap = ReadonlyMap<string, WeightEntry>;

/** HF `config.json` contents (field names as HF writes them). */
export type HfConfig = Readonly<Record<string, unknown>>;

/** One tokenised input. Tokenisation happens elsewhere; `tokens` are only passed through for display. */
export interface ModelInput {
  ids: readonly number[];
  tokens?: readonly string[];
  /** BERT segment ids (default all 0). */
  tokenTypeIds?: readonly number[];
}

/** A right-padded batch of inputs. */
export interface PaddedBatch {
  ids: number[][];
  tokenTypeIds: number[][];
  lengths: number[];
  maxLen: number;
}

/** A Linear layer whose weight is a tf tensor (the classification head). */
export type HeadAttrs = LinearAttrs & { weight: tf.Tensor2D };

/** A feature extractor + classification head, forward built from `applyOp` calls. */
export interface XdaModel {
  readonly modelType: string;
  /** Feature dimension d (penultimate layer). */
  readonly featureSize: number;
  readonly vocabSize: number;
  /** Longest input the position encoding supports. */
  readonly maxPositions: number;
  /**
   * The classification head on the features (`classifier` / `score`), when the weights have one;
   * always tf tensors (it is small), whatever `linearWeights` placed the layers in.
   */
  readonly head: HeadAttrs | undefined;
  /** Word embeddings of a batch `[B, T, H]`: the tensor token relevance is read at. */
  embed(batch: PaddedBatch): tf.Tensor3D;
  /**
   * The constant `features` adds to the word embeddings before the first layer (BERT: position +
   * token-type embeddings, `[B, T, H]`), or undefined when positions enter elsewhere (Llama: RoPE).
   * `per-position` relevance gives each position its share of it.
   */
  positionEmbeddings(batch: PaddedBatch): tf.Tensor3D | undefined;
  /** Features `[B, d]` from the word embeddings. */
  features(ctx: ExecutionContext, wordEmbeddings: tf.Tensor, batch: PaddedBatch): tf.Tensor2D;
  /**
   * Final hidden states `[B, T, H]` from the word embeddings (BERT: last encoder layer; Llama: after
   * the final norm), the token head's input; `features` = `poolFeatures(hiddenStates(…))`.
   * Optional so that hand-built models only need `features`.
   */
  hiddenStates?(ctx: ExecutionContext, wordEmbeddings: tf.Tensor, batch: PaddedBatch): tf.Tensor3D;
  /** `[B, T, H]` final hidden states → features `[B, d]` (BERT: pooler or [CLS]; Llama: last real token). */
  poolFeatures?(ctx: ExecutionContext, hidden: tf.Tensor, batch: PaddedBatch): tf.Tensor2D;
  /**
   * The masked-LM head's transform (BERT `cls.predictions.transform`: dense → GELU → LayerNorm),
   * `[N, H]` → `[N, H]`, present only for a `*ForMaskedLM` checkpoint: a token row's feature (the
   * decoder's input, what the store holds) is this map of the hidden state at the row's position.
   */
  tokenTransform?(ctx: ExecutionContext, tokenStates: tf.Tensor): tf.Tensor2D;
  /**
   * `features` cut into steps (embeddings, one per layer, last layer + pooling), each mapping the
   * previous step's output (step 0: the word embeddings) to the next, with the same ops in the
   * same order: `propagate` runs them forward without a tape and then back one at a time, so a
   * relevance pass holds one layer's activations instead of every layer's (`layerwise`).
   * Optional: models without it always run the one-shot pass. `release` frees the batch constants.
   * `output: 'hidden'` cuts `hiddenStates` instead (every position through the last layer, no
   * pooling), for batched inference of token heads.
   */
  stages?(batch: PaddedBatch, output?: 'features' | 'hidden'): { steps: ((ctx: ExecutionContext, x: tf.Tensor) => tf.Tensor)[]; activationBytes: number; release(): void };
  /** Frees the weight tensors. */
  dispose(): void;
}
