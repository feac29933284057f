/**
 * Mistral (`MistralForSequenceClassification`): the Llama layout without biases, with `head_dim`
 * (may differ from hidden_size / num_attention_heads) and a sliding window on every layer.
 */
import { buildLlamaFamily, type LlamaVariant } from './llama.js';
import { mistralSlidingWindows } from './sliding-window.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';
import type { XdaModelOptions } from './linear-weights.js';

export const MISTRAL_VARIANT: LlamaVariant = { modelType: 'mistral', requiredBiases: [], slidingWindows: mistralSlidingWindows };

export function buildMistral(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  return buildLlamaFamily(weights, config, MISTRAL_VARIANT, options);
}
