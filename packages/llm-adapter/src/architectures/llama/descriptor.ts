import type { ArchitectureDescriptor } from '../types.js';

/**
 * Llama-family decoders (`LlamaForSequenceClassification`): the sequence feature is the final
 * hidden state (after the final RMSNorm) of the last non-pad token; `score` has no bias and is
 * applied to every position, so it is also the token head. `LlamaForCausalLM` has `lm_head`
 * (or, with `tie_word_embeddings`, the embedding) as its token head: class = next token.
 *
 * @example
 * llamaDescriptor.family; // 'decoder-only'
 */
export const llamaDescriptor: ArchitectureDescriptor = {
  modelType: 'llama',
  family: 'decoder-only',
  config: {
    hiddenSize: 'hidden_size',
    numLayers: 'num_hidden_layers',
    numHeads: 'num_attention_heads',
    vocabSize: 'vocab_size',
    maxPositions: 'max_position_embeddings',
  },
  embeddingWeight: 'model.embed_tokens.weight',
  sequenceFeatureLayer: 'model.norm',
  tokenFeatureLayer: 'model.norm',
  sequenceHead: { weight: 'score.weight' },
  tokenHeads: [{ weight: 'score.weight' }, { weight: 'lm_head.weight' }],
  // `LlamaForCausalLM`: lm_head (or the tied embedding) maps each final-norm state to the next token.
  causalLmHead: { weight: 'lm_head.weight' },
  layerPrefix: 'model.layers.{i}',
};
