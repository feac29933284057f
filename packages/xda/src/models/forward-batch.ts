/**
 * Plain batched inference (no relevance rules attached): the features the classification head
 * multiplies, and optionally the final hidden states, for a right-padded batch given as flat
 * `input_ids` / `attention_mask`, the layout an ONNX feature extractor is fed. It runs the same
 * `features` ops XDA propagates relevance through, so the numbers are XDA's forward.
 */
import * as tf from '@tensorflow/tfjs';
import { createExecutionContext } from '../engine.js';
import { ModelWeightsError } from '../errors.js';
import { registerAllRules } from '../register-all-rules.js';
import type { PaddedBatch, XdaModel } from './types.js';

/** A right-padded batch, row-major `[rows, seqLen]` (int64 arrays such as ONNX feeds are accepted). */
export interface ForwardBatchInput {
  rows: number;
  seqLen: number;
  inputIds: ArrayLike<number | bigint>;
  /** 1 for real tokens, 0 for padding; each row must be ones then zeros (right padding), ≥ 1 one. */
  attentionMask: ArrayLike<number | bigint>;
  /** BERT segment ids (default all 0). */
  tokenTypeIds?: ArrayLike<number | bigint>;
}

/** Outputs of `forwardBatch`; an entry is null when not asked for. */
export interface ForwardBatchOutput {
  /** `[rows, d]`: the head's input (BERT: pooler output or [CLS]; Llama: last real token after the final norm). */
  features: Float32Array | null;
  /** `[rows, seqLen, H]`: final hidden states, padded positions included. */
  hiddenStates: Float32Array | null;
}

/**
 * Runs `model` on a padded batch without relevance rules.
 *
 * @throws ModelWeightsError naming the argument (`batch.attentionMask[r]`, `batch.inputIds[r]`) for
 *   a row that is empty, left-padded or out of the vocabulary, or for hidden states on a model without them.
 * @example
 * const { features } = forwardBatch(model, { rows: 1, seqLen: 3, inputIds: [101, 7592, 102], attentionMask: [1, 1, 1] });
 */
export function forwardBatch(
  model: XdaModel,
  batch: ForwardBatchInput,
  want: { features?: boolean; hiddenStates?: boolean } = { features: true },
): ForwardBatchOutput {
  const padded = toPaddedBatch(model, batch);
  const { hiddenStates, poolFeatures } = model;
  if (want.hiddenStates === true && (hiddenStates === undefined || poolFeatures === undefined)) {
    throw new ModelWeightsError('hiddenStates', `the ${model.modelType} model does not expose its hidden states`);
  }
  registerAllRules();
  const ctx = createExecutionContext({ grad: false });
  const out: ForwardBatchOutput = { features: null, hiddenStates: null };
  if (model.stages !== undefined && (want.hiddenStates === true || want.features === true)) {
    if (want.hiddenStates !== true) {
      const f = staged(model, model.stages, padded, ctx, 'features');
      out.features = f.dataSync() as Float32Array;
      f.dispose();
      return out;
    }
    const h = staged(model, model.stages, padded, ctx, 'hidden');
    out.hiddenStates = h.dataSync() as Float32Array;
    if (want.features === true && poolFeatures !== undefined) out.features = tf.tidy(() => poolFeatures(ctx, h, padded).dataSync() as Float32Array);
    h.dispose();
    return out;
  }
  tf.tidy(() => {
    const e = model.embed(padded);
    if (want.hiddenStates === true && hiddenStates !== undefined && poolFeatures !== undefined) {
      const h = hiddenStates(ctx, e, padded);
      out.hiddenStates = h.dataSync() as Float32Array;
      if (want.features === true) out.features = poolFeatures(ctx, h, padded).dataSync() as Float32Array;
    } else if (want.features === true) {
      out.features = model.features(ctx, e, padded).dataSync() as Float32Array;
    }
  });
  return out;
}

/**
 * Features (or hidden states) step by step (`XdaModel.stages`), each step in its own tidy and its
 * input freed after it: the batch holds one layer's activations, not all of them (a 0.5B
 * decoder's 24 layers of a batch of 8 × 128 tokens, ~2.4 GB, overran tfjs-wasm's 4 GB heap in one
 * tidy). Same ops in the same order as `features` / `hiddenStates`, so the same numbers. The
 * caller disposes the result.
 */
function staged(model: XdaModel, stages: NonNullable<XdaModel['stages']>, padded: PaddedBatch, ctx: ReturnType<typeof createExecutionContext>, output: 'features' | 'hidden'): tf.Tensor {
  const { steps, release } = stages(padded, output);
  try {
    let x: tf.Tensor = model.embed(padded);
    for (const step of steps) {
      const input = x;
      x = tf.tidy(() => step(ctx, input));
      input.dispose();
    }
    return x;
  } finally {
    release();
  }
}

function toPaddedBatch(model: XdaModel, batch: ForwardBatchInput): PaddedBatch {
  const { rows, seqLen } = batch;
  const size = rows * seqLen;
  for (const [name, a] of [['inputIds', batch.inputIds], ['attentionMask', batch.attentionMask], ['tokenTypeIds', batch.tokenTypeIds]] as const) {
    if (a !== undefined && a.length !== size) throw new ModelWeightsError(`batch.${name}`, `has ${a.length} entries, expected rows × seqLen = ${size}`);
  }
  if (seqLen > model.maxPositions) throw new ModelWeightsError('batch.seqLen', `${seqLen} exceeds max_position_embeddings ${model.maxPositions}`);
  const ids: number[][] = [];
  const tokenTypeIds: number[][] = [];
  const lengths: number[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * seqLen;
    let len = 0;
    while (len < seqLen && Number(batch.attentionMask[base + len]) !== 0) len++;
    for (let t = len; t < seqLen; t++) {
      if (Number(batch.attentionMask[base + t]) !== 0) throw new ModelWeightsError(`batch.attentionMask[${r}]`, 'is not right-padded (a 1 after a 0)');
    }
    if (len === 0) throw new ModelWeightsError(`batch.attentionMask[${r}]`, 'has no real token');
    const row: number[] = new Array<number>(seqLen);
    const types: number[] = new Array<number>(seqLen);
    for (let t = 0; t < seqLen; t++) {
      const id = Number(batch.inputIds[base + t]);
      if (!Number.isInteger(id) || id < 0 || id >= model.vocabSize) throw new ModelWeightsError(`batch.inputIds[${r}]`, `token id ${id} outside [0, ${model.vocabSize})`);
      row[t] = id;
      types[t] = batch.tokenTypeIds === undefined ? 0 : Number(batch.tokenTypeIds[base + t]);
    }
    ids.push(row);
    tokenTypeIds.push(types);
    lengths.push(len);
  }
  return { ids, tokenTypeIds, lengths, maxLen: seqLen };
}
