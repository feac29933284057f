import * as tf from '@tensorflow/tfjs';
import { ModelWeightsError } from '../errors.js';
import { isResidentMatrix } from '../gemm/weight-arena.js';
import type { LinearAttrs } from '../op-names.js';
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

/**
 * An embedding table kept as JS float32 rows instead of a tf tensor: tfjs-wasm's gather takes
 * milliseconds for a few hundred rows, a row copy microseconds.
 */
export interface RowTable {
  readonly width: number;
  readonly data: Float32Array;
}

/** `takeWeight` for a `[rows, width]` table read by `gatherRows` (same checks and errors). */
export function takeTable(weights: WeightMap, name: string, shape: readonly [number, number]): RowTable {
  const w = weights.get(name);
  if (w === undefined) throw new ModelWeightsError(name, 'weight missing from the weight map');
  if (w.shape.length !== 2 || w.shape[0] !== shape[0] || w.shape[1] !== shape[1]) {
    throw new ModelWeightsError(name, `expected shape [${shape.join(', ')}], got [${w.shape.join(', ')}]`);
  }
  // Only read, so a float32 array that owns its whole buffer is shared: a copy would hold the matrix
  // twice while the weight map lives (545 MB more for a 151,936 x 896 vocabulary). A view on a
  // larger (file) buffer is copied, so that the table does not keep the whole file alive.
  const d = w.data;
  const own = d instanceof Float32Array && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength;
  return { width: shape[1], data: own ? d : Float32Array.from(d as ArrayLike<number>, Number) };
}

/**
 * `[B, T, width]`: row `ids[b][t]` of `table`, plus row `plus.ids[b][t]` of `plus.table` when
 * given, added in float32 (as `tf.add` of the two gathers would).
 */
export function gatherRows(table: RowTable, ids: readonly (readonly number[])[], plus?: { table: RowTable; ids: readonly (readonly number[])[] }): tf.Tensor3D {
  const w = table.width;
  const [bs, ts] = [ids.length, ids[0]?.length ?? 0];
  const rowOf = (t: RowTable, id: number | undefined): number => {
    if (id === undefined || !Number.isInteger(id) || id < 0 || (id + 1) * w > t.data.length) throw new RangeError(`embedding row ${String(id)} is outside [0, ${t.data.length / w})`);
    return id * w;
  };
  const out = new Float32Array(bs * ts * w);
  for (let b = 0; b < bs; b++) {
    for (let t = 0; t < ts; t++) {
      const at = (b * ts + t) * w;
      const from = rowOf(table, ids[b]?.[t]);
      out.set(table.data.subarray(from, from + w), at);
      if (plus === undefined) continue;
      const add = plus.table.data;
      const from2 = rowOf(plus.table, plus.ids[b]?.[t]);
      for (let j = 0; j < w; j++) out[at + j] = Math.fround((out[at + j] as number) + (add[from2 + j] as number));
    }
  }
  return tf.tensor3d(out, [bs, ts, w]);
}

/** Optional weight (e.g. a bias some checkpoints omit). */
export function maybeWeight(weights: WeightMap, name: string, shape: readonly number[]): tf.Tensor | undefined {
  return weights.has(name) ? takeWeight(weights, name, shape) : undefined;
}

/**
 * Bytes of `[in, out]` weight copies one model may add (see `LinearAttrs.weightT`): all of a BERT-base
 * (340 MB), the first layers of larger models, whose other layers multiply transposed (slower, no
 * extra memory) so the wasm backend's 4 GB heap is not doubled.
 */
export const TRANSPOSED_WEIGHT_BUDGET_BYTES = 512 * 2 ** 20;

/**
 * A per-model `attrs → attrs` that adds the `[in, out]` copy of the weight the Linear forward
 * multiplies by untransposed, while `budgetBytes` last.
 */
export function transposedWeights(budgetBytes = TRANSPOSED_WEIGHT_BUDGET_BYTES): (attrs: LinearAttrs) => LinearAttrs {
  let left = budgetBytes;
  return (attrs) => {
    const bytes = 4 * attrs.weight.size;
    if (isResidentMatrix(attrs.weight) || bytes > left) return attrs;
    left -= bytes;
    return { ...attrs, weightT: tf.transpose(attrs.weight) };
  };
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
