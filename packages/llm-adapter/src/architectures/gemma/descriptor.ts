import { llamaDescriptor } from '../llama/descriptor.js';
import type { ArchitectureDescriptor } from '../types.js';

/**
 * Gemma decoders (`GemmaForSequenceClassification`, `GemmaForCausalLM`): the Llama parameter names
 * and pooling (final-norm state of the last non-pad token feeds `score`, no bias). The (1 + w)
 * RMSNorm, the √hidden_size embedding scale and the GELU-tanh gate only change the forward
 * (@dualxda/xda `buildGemma`). `GemmaForCausalLM` saves no `lm_head.weight`: with
 * `tie_word_embeddings` (Gemma's default, written to config.json) the embedding is the LM head.
 *
 * @example
 * gemmaDescriptor.causalLmHead; // { weight: 'lm_head.weight' }, tied to 'model.embed_tokens.weight'
 */
export const gemmaDescriptor: ArchitectureDescriptor = { ...llamaDescriptor, modelType: 'gemma' };
