import type { ArchitectureDescriptor } from '../types.js';

/**
 * DistilBERT encoders (`DistilBertForSequenceClassification`): config keys `dim`, `n_layers`,
 * `n_heads`; no token types; the head is `pre_classifier` → ReLU → `classifier` on [CLS], so the
 * sequence feature is ReLU(pre_classifier(h_CLS)) and `classifier` is the last linear layer.
 *
 * @example
 * distilbertDescriptor.config.hiddenSize; // 'dim'
 */
export const distilbertDescriptor: ArchitectureDescriptor = {
  modelType: 'distilbert',
  family: 'encoder-only',
  config: {
    hiddenSize: 'dim',
    numLayers: 'n_layers',
    numHeads: 'n_heads',
    vocabSize: 'vocab_size',
    maxPositions: 'max_position_embeddings',
  },
  embeddingWeight: 'distilbert.embeddings.word_embeddings.weight',
  sequenceFeatureLayer: 'pre_classifier',
  tokenFeatureLayer: 'distilbert.transformer',
  sequenceHead: { weight: 'classifier.weight', bias: 'classifier.bias' },
  // `DistilBertForTokenClassification` reuses `classifier` on every token (see resolveHeads); the
  // MLM head (`vocab_transform` → `activation` → `vocab_layer_norm` → `vocab_projector`) is not
  // linear on the hidden states, so it is only offered for `DistilBertForMaskedLM`, with its
  // transform (the LayerNorm's eps is HF's fixed 1e-12, the default when `layer_norm_eps` is absent).
  tokenHeads: [],
  maskedLmHead: {
    transform: { name: 'vocab_transform', dense: 'vocab_transform', norm: 'vocab_layer_norm', activationField: 'activation' },
    decoder: { weight: 'vocab_projector.weight', bias: 'vocab_projector.bias' },
  },
  layerPrefix: 'distilbert.transformer.layer.{i}',
};
