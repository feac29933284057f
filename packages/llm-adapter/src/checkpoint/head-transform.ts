import type { SafetensorsTensor } from '@dualxda/core';
import { ModelLoadError } from '../errors.js';

/**
 * The non-linear map between the last hidden state and an LM head's decoder, applied per token:
 * t = LayerNorm(GELU(h · denseᵀ + denseBias)) (BERT's `cls.predictions.transform`). With it the
 * decoder's input, the feature of a token row, is t.
 */
export interface HeadTransform {
  /** Parameter prefix, e.g. `cls.predictions.transform` (recorded as the store's feature layer). */
  name: string;
  /** [H, H] row-major. */
  denseWeight: Float32Array;
  denseBias: Float32Array;
  normWeight: Float32Array;
  normBias: Float32Array;
  eps: number;
}

/**
 * Reads `<prefix>.dense.{weight,bias}` and `<prefix>.LayerNorm.{weight,bias}`; the activation is
 * `config.hidden_act`, of which only exact `gelu` is implemented.
 *
 * @throws ModelLoadError naming a missing or mis-shaped tensor, or the unsupported activation.
 */
export function readHeadTransform(dir: string, weights: ReadonlyMap<string, SafetensorsTensor>, prefix: string, hiddenSize: number, config: Record<string, unknown>): HeadTransform {
  const act = config['hidden_act'] ?? 'gelu';
  if (act !== 'gelu') throw new ModelLoadError(dir, 'config.json', `field "hidden_act": the masked-LM transform "${prefix}" is implemented with "gelu" (exact) only, got ${JSON.stringify(act)}`);
  const eps = typeof config['layer_norm_eps'] === 'number' ? config['layer_norm_eps'] : 1e-12;
  const take = (name: string, size: number): Float32Array => {
    const t = weights.get(`${prefix}.${name}`);
    if (t === undefined) throw new ModelLoadError(dir, 'model.safetensors', `masked-LM transform parameter "${prefix}.${name}" is missing`);
    if (!(t.data instanceof Float32Array) || t.data.length !== size) {
      throw new ModelLoadError(dir, 'model.safetensors', `"${prefix}.${name}" must hold ${size} floats, got ${t.dtype} [${t.shape.join(', ')}]`);
    }
    return t.data;
  };
  const H = hiddenSize;
  return { name: prefix, denseWeight: take('dense.weight', H * H), denseBias: take('dense.bias', H), normWeight: take('LayerNorm.weight', H), normBias: take('LayerNorm.bias', H), eps };
}
