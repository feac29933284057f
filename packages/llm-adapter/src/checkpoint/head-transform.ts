import type { SafetensorsTensor } from '@dualxda/core';
import type { HeadTransformNames } from '../architectures/types.js';
import { ModelLoadError } from '../errors.js';

/**
 * The non-linear map between the last hidden state and an LM head's decoder, applied per token:
 * t = LayerNorm(GELU(h · denseᵀ + denseBias)) (BERT's `cls.predictions.transform`, RoBERTa's `lm_head`, DistilBERT's `vocab_*`). With it the
 * decoder's input, the feature of a token row, is t.
 */
export interface HeadTransform {
  /** The descriptor's transform name, e.g. `cls.predictions.transform` (recorded as the store's feature layer). */
  name: string;
  /** [H, H] row-major. */
  denseWeight: Float32Array;
  denseBias: Float32Array;
  normWeight: Float32Array;
  normBias: Float32Array;
  eps: number;
}

/**
 * Reads `<dense>.{weight,bias}` and `<norm>.{weight,bias}` as the descriptor names them; the
 * activation is `config[activationField]` (null: the family always applies exact GELU), of which
 * only exact `gelu` is implemented.
 *
 * @throws ModelLoadError naming a missing or mis-shaped tensor, or the unsupported activation.
 */
export function readHeadTransform(dir: string, weights: ReadonlyMap<string, SafetensorsTensor>, names: HeadTransformNames, hiddenSize: number, config: Record<string, unknown>): HeadTransform {
  const prefix = names.name;
  const field = names.activationField;
  const act = field === null ? 'gelu' : (config[field] ?? 'gelu');
  if (act !== 'gelu') throw new ModelLoadError(dir, 'config.json', `field "${field ?? ''}": the masked-LM transform "${prefix}" is implemented with "gelu" (exact) only, got ${JSON.stringify(act)}`);
  const eps = typeof config['layer_norm_eps'] === 'number' ? config['layer_norm_eps'] : 1e-12;
  const take = (name: string, size: number): Float32Array => {
    const t = weights.get(name);
    if (t === undefined) throw new ModelLoadError(dir, 'model.safetensors', `masked-LM transform parameter "${name}" is missing`);
    if (!(t.data instanceof Float32Array) || t.data.length !== size) {
      throw new ModelLoadError(dir, 'model.safetensors', `"${name}" must hold ${size} floats, got ${t.dtype} [${t.shape.join(', ')}]`);
    }
    return t.data;
  };
  const H = hiddenSize;
  const { dense, norm } = names;
  return { name: prefix, denseWeight: take(`${dense}.weight`, H * H), denseBias: take(`${dense}.bias`, H), normWeight: take(`${norm}.weight`, H), normBias: take(`${norm}.bias`, H), eps };
}
