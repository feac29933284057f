import type { ArchitectureDescriptor } from '../types.js';

/**
 * RoBERTa encoders (`RobertaForSequenceClassification`): no pooler; the head is
 * `classifier.dense` → tanh → `classifier.out_proj` on `<s>`, so the sequence feature is
 * tanh(dense(h_<s>)) and `classifier.out_proj` is the last linear layer. Position ids start at
 * padding_idx + 1 = 2, so `max_position_embeddings` (514 for roberta-base) holds 2 unused rows.
 *
 * @example
 * robertaDescriptor.sequenceHead.weight; // 'classifier.out_proj.weight'
 */
export const robertaDescriptor: ArchitectureDescriptor = {
  modelType: 'roberta',
  family: 'encoder-only',
  config: {
    hiddenSize: 'hidden_size',
    numLayers: 'num_hidden_layers',
    numHeads: 'num_attention_heads',
    vocabSize: 'vocab_size',
    maxPositions: 'max_position_embeddings',
  },
  reservedPositions: 2,
  embeddingWeight: 'roberta.embeddings.word_embeddings.weight',
  sequenceFeatureLayer: 'classifier.dense',
  tokenFeatureLayer: 'roberta.encoder',
  sequenceHead: { weight: 'classifier.out_proj.weight', bias: 'classifier.out_proj.bias' },
  // `RobertaForTokenClassification` has a plain `classifier` on every token; the MLM head
  // (`lm_head.dense` → GELU → LayerNorm → `lm_head.decoder`) is not a linear layer on the hidden
  // states, so it is only offered for `RobertaForMaskedLM`, with its transform (RobertaLMHead
  // applies exact GELU whatever `hidden_act` says; the decoder's bias is saved as `lm_head.bias`).
  tokenClassifierHead: { weight: 'classifier.weight', bias: 'classifier.bias' },
  tokenHeads: [],
  maskedLmHead: {
    transform: { name: 'lm_head', dense: 'lm_head.dense', norm: 'lm_head.layer_norm', activationField: null },
    decoder: { weight: 'lm_head.decoder.weight', bias: 'lm_head.bias' },
  },
  layerPrefix: 'roberta.encoder.layer.{i}',
};
