import * as tf from '@tensorflow/tfjs';
import { ModelWeightsError } from '../errors.js';
import type { HfConfig, ModelInput, PaddedBatch, WeightMap } from './types.js';

/** Converts one named weight to a float32 tf tensor, checking its shape. */
export function takeWeight(weights: WeightMap, name: string, shape: readonly number[]): tf.Tensor {
  const w = weights.get(name);
  if (w === undefined) throw new ModelWeightsError(name, 'weight missing from the weight map');
  if (w.shape.length !== shape.length || w.shape.some((s, i) => s !== shape[i])) {
    throw new ModelWeightsError(name, `expected shape [${shape.join(', ')}], got [${w.shape.join(', ')}]`);
  }
  const data = w.data instanceof Float32Array ? w.data : Float32Array.from(w.data as ArrayLike<number>, Number);
  return tf.tensor(data, [...shape], 'float32');
}

/** Optional weight (e.g. a bias some checkpoints omit). */
export function maybeWeight(weights: WeightMap, name: string, shape: readonly number[]): tf.Tensor | undefined {
  return weights.has(name) ? takeWeight(weights, name, shape) : undefined;
}

/** A positive integer config field; names the field when it is missing or invalid. */
export function configInt(config: HfConfig, field: string, fallback?: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ModelWeightsError(`config.${field}`, `expected a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function configNumber(config: HfConfig, field: string, fallback: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ModelWeightsError(`config.${field}`, `expected a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks token ids against the model; errors name the argument (`label[i].ids`). */
export function checkInputs(inputs: readonly ModelInput[], vocabSize: number, maxPositions: number, label = 'inputs'): void {
  inputs.forEach((input, b) => {
    const where = `${label}[${b}].ids`;
    if (input.ids.length === 0) throw new ModelWeightsError(where, 'empty input');
    if (input.ids.length > maxPositions) {
      throw new ModelWeightsError(where, `length ${input.ids.length} exceeds max_position_embeddings ${maxPositions}`);
    }
    for (const id of input.ids) {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new ModelWeightsError(where, `token id ${id} outside [0, ${vocabSize})`);
    }
    if (input.tokens !== undefined && input.tokens.length !== input.ids.length) {
      throw new ModelWeightsError(`${label}[${b}].tokens`, `has ${input.tokens.length} entries for ${input.ids.length} ids`);
    }
    if (input.tokenTypeIds !== undefined && input.tokenTypeIds.length !== input.ids.length) {
      throw new ModelWeightsError(`${label}[${b}].tokenTypeIds`, `has ${input.tokenTypeIds.length} entries for ${input.ids.length} ids`);
    }
  });
}

/** Right-pads inputs to one length (pad id 0; padded keys are masked). */
export function padBatch(inputs: readonly ModelInput[], vocabSize: number, maxPositions: number): PaddedBatch {
  checkInputs(inputs, vocabSize, maxPositions);
  const maxLen = Math.max(...inputs.map((x) => x.ids.length));
  const ids: number[][] = [];
  const tokenTypeIds: number[][] = [];
  for (const input of inputs) {
    const pad = maxLen - input.ids.length;
    ids.push([...input.ids, ...new Array<number>(pad).fill(0)]);
    tokenTypeIds.push([...(input.tokenTypeIds ?? input.ids.map(() => 0)), ...new Array<number>(pad).fill(0)]);
  }
  return { ids, tokenTypeIds, lengths: inputs.map((x) => x.ids.length), maxLen };
}

/** Boolean key mask `[B, 1, 1, T]` (true = real token). */
export function keyMask(batch: PaddedBatch): tf.Tensor {
  const m = batch.lengths.map((len) => Array.from({ length: batch.maxLen }, (_, t) => (t < len ? 1 : 0)));
  return tf.cast(tf.reshape(tf.tensor2d(m, undefined, 'int32'), [batch.lengths.length, 1, 1, batch.maxLen]), 'bool');
}
