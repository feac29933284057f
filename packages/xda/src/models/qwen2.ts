/**
 * Qwen2 (`Qwen2ForSequenceClassification`): the Llama layout with biases on q/k/v (not o_proj) and
 * optional sliding-window layers. `tie_word_embeddings` only concerns `lm_head`, not `score`.
 */
import { buildLlamaFamily, type LlamaVariant } from './llama.js';
import { qwen2SlidingWindows } from './sliding-window.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';
import type { XdaModelOptions } from './linear-weights.js';

export const QWEN2_VARIANT: LlamaVariant = { modelType: 'qwen2', requiredBiases: ['q_proj', 'k_proj', 'v_proj'], slidingWindows: qwen2SlidingWindows };

export function buildQwen2(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  return buildLlamaFamily(weights, config, QWEN2_VARIANT, options);
}
