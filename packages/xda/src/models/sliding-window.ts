/**
 * Sliding-window attention settings of the Llama-layout families, read as transformers reads them
 * (configuration_mistral.py, configuration_qwen2.py): one window size per layer, null = full
 * causal attention. The forward applies the band mask (llama.ts), so any length is exact.
 */
import { ModelWeightsError } from '../errors.js';
import type { HfConfig } from './types.js';

/** `config[field]` as a window: null/absent = none, else a positive integer (the field is named). */
function windowOf(config: HfConfig, field: string): number | null {
  const v = config[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ModelWeightsError(`config.${field}`, `expected a positive integer or null, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Mistral: `sliding_window` (int or null) on every layer; a `layer_types` key is ignored, as transformers' MistralModel ignores it. */
export function mistralSlidingWindows(config: HfConfig, numLayers: number): (number | null)[] {
  return new Array<number | null>(numLayers).fill(windowOf(config, 'sliding_window'));
}

const LAYER_TYPES = ['full_attention', 'sliding_attention'] as const;

/**
 * Qwen2: the window is `sliding_window` only when `use_sliding_window` is true; it applies to the
 * layers `layer_types` marks "sliding_attention" (saved by transformers ≥ 4.53), else to the layers
 * from `max_window_layers` (default 28) on.
 */
export function qwen2SlidingWindows(config: HfConfig, numLayers: number): (number | null)[] {
  const use = config['use_sliding_window'] ?? false;
  if (typeof use !== 'boolean') throw new ModelWeightsError('config.use_sliding_window', `expected a boolean, got ${JSON.stringify(use)}`);
  const window = use ? windowOf(config, 'sliding_window') : null;
  const types = config['layer_types'];
  if (types === undefined || types === null) {
    const first = config['max_window_layers'] ?? 28;
    if (typeof first !== 'number' || !Number.isInteger(first) || first < 0) {
      throw new ModelWeightsError('config.max_window_layers', `expected a non-negative integer, got ${JSON.stringify(first)}`);
    }
    return Array.from({ length: numLayers }, (_, l) => (l >= first ? window : null));
  }
  if (!Array.isArray(types) || types.length !== numLayers) {
    throw new ModelWeightsError('config.layer_types', `expected a list of ${numLayers} layer types, got ${JSON.stringify(types)}`);
  }
  return types.map((t: unknown, l) => {
    if (!(LAYER_TYPES as readonly unknown[]).includes(t)) {
      throw new ModelWeightsError(`config.layer_types[${l}]`, `unsupported ${JSON.stringify(t)}; supported: ${LAYER_TYPES.join(', ')}`);
    }
    return t === 'sliding_attention' ? window : null;
  });
}
