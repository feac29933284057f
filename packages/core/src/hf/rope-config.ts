import { DualxdaError } from '../errors.js';

/**
 * Rotary position embedding (RoPE) settings of a Hugging Face `config.json`, read the way
 * transformers 4.4x and 5.x read them. Shared by every RoPE model reader (the XDA Llama forward,
 * the llm-adapter checkpoint loader), so no reader falls back to a default on its own.
 *
 * Where the values live:
 * - transformers 5.x: `rope_parameters: { rope_type, rope_theta, factor, ... }`;
 * - transformers 4.x: top-level `rope_theta` plus `rope_scaling: { rope_type | type, factor, ... }`
 *   (null for plain RoPE).
 * `partial_rotary_factor` and `original_max_position_embeddings` at the top level win over the
 * dict's, as in transformers' `standardize_rope_params`.
 */

/** RoPE variants this parser supports; any other `rope_type` is refused by name. */
export const SUPPORTED_ROPE_TYPES = ['default', 'linear', 'dynamic', 'llama3', 'yarn'] as const;

/** One of {@link SUPPORTED_ROPE_TYPES}. */
export type RopeType = (typeof SUPPORTED_ROPE_TYPES)[number];

/** The frequency rule and its parameters (transformers `_compute_<type>_parameters`). */
export type RopeScaling =
  | { type: 'default' }
  /** inv_freq / factor. */
  | { type: 'linear'; factor: number }
  /** NTK: θ grows with the sequence length once it exceeds `maxPositions`. */
  | { type: 'dynamic'; factor: number }
  /** Llama 3.1: low frequencies / factor, high ones kept, a smooth ramp between. */
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number }
  /** YaRN: ramp between interpolated and extrapolated frequencies; cos/sin × attentionFactor. */
  | { type: 'yarn'; factor: number; originalMaxPositions: number; attentionFactor: number; betaFast: number; betaSlow: number; truncate: boolean };

/** Parsed RoPE settings of one model. */
export interface RopeConfig {
  /** Base θ (`rope_theta`). */
  theta: number;
  /** Per-head dimension (`head_dim`, else hidden_size / num_attention_heads). */
  headDim: number;
  /** Rotated dimensions per head: floor(headDim × partial_rotary_factor). */
  dim: number;
  partialRotaryFactor: number;
  /** `max_position_embeddings`, or null when the config has none. */
  maxPositions: number | null;
  scaling: RopeScaling;
  /** Which config field held the parameters (for messages). */
  source: 'rope_parameters' | 'rope_scaling' | 'rope_theta' | 'none';
}

/** A `config.json` field is missing, malformed or names an unsupported variant; names the field. */
export class HfConfigError extends DualxdaError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('HfConfigError', `config.json field "${field}": ${message}`);
  }
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** HF's default θ when a config names none (LlamaConfig and the 5.x mixin both use 10000). */
const DEFAULT_THETA = 10000;

/**
 * Parses the RoPE settings of a HF `config.json`.
 *
 * @throws HfConfigError naming the field: an unsupported `rope_type` (e.g. "longrope"), per-layer-type
 *   rope parameters, or a missing/invalid number.
 * @example
 * parseRopeConfig({ hidden_size: 64, num_attention_heads: 4, rope_parameters: { rope_type: 'default', rope_theta: 5e5 } }).theta; // 500000
 * parseRopeConfig({ hidden_size: 64, num_attention_heads: 4, rope_theta: 1e4, rope_scaling: { type: 'linear', factor: 2 } }).scaling; // { type: 'linear', factor: 2 }
 */
export function parseRopeConfig(config: Json): RopeConfig {
  const { dict, field, source } = ropeDict(config);
  const rawType = dict['rope_type'] ?? dict['type'] ?? 'default';
  if (typeof rawType !== 'string') throw new HfConfigError(`${field}.rope_type`, `expected a string, got ${JSON.stringify(rawType)}`);
  if (!(SUPPORTED_ROPE_TYPES as readonly string[]).includes(rawType)) {
    throw new HfConfigError(`${field}.rope_type`, `RoPE type "${rawType}" is not supported; supported: ${SUPPORTED_ROPE_TYPES.join(', ')}`);
  }
  const type = rawType as RopeType;
  const theta = num(dict['rope_theta'] ?? config['rope_theta'] ?? DEFAULT_THETA, dict['rope_theta'] === undefined ? 'rope_theta' : `${field}.rope_theta`, { positive: true });
  const headDim = headDimOf(config);
  const partialRotaryFactor = num(config['partial_rotary_factor'] ?? dict['partial_rotary_factor'] ?? 1, 'partial_rotary_factor', { positive: true });
  if (partialRotaryFactor > 1) throw new HfConfigError('partial_rotary_factor', `must be in (0, 1], got ${partialRotaryFactor}`);
  const dim = Math.floor(headDim * partialRotaryFactor);
  if (dim < 2 || dim % 2 !== 0) throw new HfConfigError('partial_rotary_factor', `rotates ${dim} of ${headDim} head dimensions; need an even number ≥ 2`);
  const mp = config['max_position_embeddings'];
  const maxPositions = mp === undefined || mp === null ? null : int(mp, 'max_position_embeddings');
  const needMaxPositions = (why: string): number => {
    if (maxPositions === null) throw new HfConfigError('max_position_embeddings', `missing; RoPE type "${type}" needs it ${why}`);
    return maxPositions;
  };
  const factor = (): number => num(dict['factor'], `${field}.factor`, { positive: true });
  const originalMax = (): number => {
    const top = config['original_max_position_embeddings'];
    if (top !== undefined && top !== null) return int(top, 'original_max_position_embeddings');
    const own = dict['original_max_position_embeddings'];
    if (own !== undefined && own !== null) return int(own, `${field}.original_max_position_embeddings`);
    return needMaxPositions('(as original_max_position_embeddings)');
  };
  let scaling: RopeScaling;
  switch (type) {
    case 'default':
      scaling = { type };
      break;
    case 'linear':
      scaling = { type, factor: factor() };
      break;
    case 'dynamic':
      needMaxPositions('(the length past which θ grows)');
      scaling = { type, factor: factor() };
      break;
    case 'llama3':
      scaling = {
        type,
        factor: factor(),
        lowFreqFactor: num(dict['low_freq_factor'], `${field}.low_freq_factor`, { positive: true }),
        highFreqFactor: num(dict['high_freq_factor'], `${field}.high_freq_factor`, { positive: true }),
        originalMaxPositions: originalMax(),
      };
      if (scaling.highFreqFactor === scaling.lowFreqFactor) throw new HfConfigError(`${field}.high_freq_factor`, 'must differ from low_freq_factor');
      break;
    case 'yarn':
      scaling = yarnScaling(dict, field, originalMax(), maxPositions);
      break;
  }
  return { theta, headDim, dim, partialRotaryFactor, maxPositions, scaling, source };
}

function ropeDict(config: Json): { dict: Json; field: string; source: RopeConfig['source'] } {
  const params = config['rope_parameters'];
  if (params !== undefined && params !== null) {
    if (!isObject(params)) throw new HfConfigError('rope_parameters', `expected an object, got ${JSON.stringify(params)}`);
    const layerTypes = config['layer_types'];
    const keys = Object.keys(params);
    if (Array.isArray(layerTypes) && keys.length > 0 && keys.every((k) => layerTypes.includes(k))) {
      throw new HfConfigError('rope_parameters', `per-layer-type RoPE parameters (${keys.join(', ')}) are not supported`);
    }
    return { dict: params, field: 'rope_parameters', source: 'rope_parameters' };
  }
  const scaling = config['rope_scaling'];
  if (scaling !== undefined && scaling !== null) {
    if (!isObject(scaling)) throw new HfConfigError('rope_scaling', `expected an object or null, got ${JSON.stringify(scaling)}`);
    return { dict: scaling, field: 'rope_scaling', source: 'rope_scaling' };
  }
  return { dict: {}, field: 'rope_scaling', source: config['rope_theta'] === undefined ? 'none' : 'rope_theta' };
}

function yarnScaling(dict: Json, field: string, originalMaxPositions: number, maxPositions: number | null): RopeScaling {
  // transformers 5.x: a missing factor is the context extension max/original (DeepSeek-V3 style).
  const factor =
    dict['factor'] === undefined || dict['factor'] === null
      ? maxPositions === null
        ? num(undefined, `${field}.factor`)
        : maxPositions / originalMaxPositions
      : num(dict['factor'], `${field}.factor`, { positive: true });
  const opt = (key: string, fallback: number): number => {
    const v = dict[key];
    // HF uses `or` here: 0 and null both mean "use the default".
    return v === undefined || v === null || v === 0 ? fallback : num(v, `${field}.${key}`);
  };
  const mscale = (scale: number, m: number): number => (scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1);
  let attentionFactor: number;
  const af = dict['attention_factor'];
  if (af !== undefined && af !== null) attentionFactor = num(af, `${field}.attention_factor`, { positive: true });
  else {
    const m = dict['mscale'];
    const mAll = dict['mscale_all_dim'];
    attentionFactor =
      typeof m === 'number' && m !== 0 && typeof mAll === 'number' && mAll !== 0 ? mscale(factor, m) / mscale(factor, mAll) : mscale(factor, 1);
  }
  const truncate = dict['truncate'] ?? true;
  if (typeof truncate !== 'boolean') throw new HfConfigError(`${field}.truncate`, `expected a boolean, got ${JSON.stringify(truncate)}`);
  return { type: 'yarn', factor, originalMaxPositions, attentionFactor, betaFast: opt('beta_fast', 32), betaSlow: opt('beta_slow', 1), truncate };
}

function headDimOf(config: Json): number {
  const hd = config['head_dim'];
  if (hd !== undefined && hd !== null) return int(hd, 'head_dim');
  const hidden = int(config['hidden_size'], 'hidden_size');
  const heads = int(config['num_attention_heads'], 'num_attention_heads');
  return Math.floor(hidden / heads);
}

function num(v: unknown, field: string, opts: { positive?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new HfConfigError(field, v === undefined ? 'missing' : `expected a number, got ${JSON.stringify(v)}`);
  if (opts.positive === true && v <= 0) throw new HfConfigError(field, `must be > 0, got ${v}`);
  return v;
}

function int(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new HfConfigError(field, v === undefined ? 'missing' : `expected a positive integer, got ${JSON.stringify(v)}`);
  return v;
}
