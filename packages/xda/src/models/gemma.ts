/**
 * Gemma (`GemmaForSequenceClassification` / `GemmaForCausalLM`, model_type `gemma`): the Llama
 * layout with three differences, read from transformers' modeling_gemma.py: RMSNorm scales by
 * (1 + w), the word embeddings are multiplied by √hidden_size (in float32) before the first layer,
 * and the MLP gate is GELU with the tanh approximation (GeGLU). `head_dim` comes from the config;
 * the LM head is tied to the embedding (llm-adapter reads it), which the forward never uses.
 */
import { ModelWeightsError } from '../errors.js';
import { buildLlamaFamily, type LlamaVariant } from './llama.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';
import type { XdaModelOptions } from './linear-weights.js';

/**
 * The MLP activation: `hidden_activation` when set, else `hidden_act` (transformers reads them in
 * that order), default "gelu_pytorch_tanh"; only the tanh approximation is implemented.
 */
function gemmaActivation(config: HfConfig): 'GeluTanh' {
  const field = config['hidden_activation'] !== undefined && config['hidden_activation'] !== null ? 'hidden_activation' : 'hidden_act';
  const act = config[field] ?? 'gelu_pytorch_tanh';
  if (act !== 'gelu_pytorch_tanh') throw new ModelWeightsError(`config.${field}`, `only "gelu_pytorch_tanh" is supported for gemma, got ${JSON.stringify(act)}`);
  return 'GeluTanh';
}

export const GEMMA_VARIANT: LlamaVariant = {
  modelType: 'gemma',
  requiredBiases: [],
  slidingWindows: (_config, numLayers) => new Array<null>(numLayers).fill(null),
  mlpActivation: gemmaActivation,
  normWeightOffset: 1,
  scaleEmbeddings: true,
};

/**
 * @example
 * createXdaModel(weights, { model_type: 'gemma', ... }); // dispatches here
 */
export function buildGemma(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  // transformers' GemmaConfig defaults head_dim to 256, not hidden_size / num_attention_heads (the
  // Llama fallback here): refused by name rather than guessed (saved configs always carry it).
  if (config['head_dim'] === undefined || config['head_dim'] === null) {
    throw new ModelWeightsError('config.head_dim', 'is required for gemma (transformers defaults it to 256, not hidden_size / num_attention_heads); write the value into config.json');
  }
  return buildLlamaFamily(weights, config, GEMMA_VARIANT, options);
}
