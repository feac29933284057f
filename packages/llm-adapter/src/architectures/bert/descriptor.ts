import type { ArchitectureDescriptor } from '../types.js';

/**
 * BERT-family encoders (`BertForSequenceClassification`): the sequence feature is the pooler
 * output tanh(W·h_CLS + b), which is what `classifier` consumes.
 *
 * @example
 * bertDescriptor.sequenceHead.weight; // 'classifier.weight'
 */
export const bertDescriptor: ArchitectureDescriptor = {
  modelType: 'bert',
  family: 'encoder-only',
  config: {
    hiddenSize: 'hidden_size',
    numLayers: 'num_hidden_layers',
    numHeads: 'num_attention_heads',
    vocabSize: 'vocab_size',
    maxPositions: 'max_position_embeddings',
  },
  embeddingWeight: 'bert.embeddings.word_embeddings.weight',
  sequenceFeatureLayer: 'bert.pooler',
  tokenFeatureLayer: 'bert.encoder',
  sequenceHead: { weight: 'classifier.weight', bias: 'classifier.bias' },
  // `BertForTokenClassification` reuses the `classifier` name on every token (see
  // resolveHeads). The MLM decoder is only offered for `BertForMaskedLM`, with its transform: it
  // multiplies LayerNorm(GELU(dense(h))), not a row of `last_hidden_state`.
  tokenHeads: [],
  maskedLmHead: {
    transform: { name: 'cls.predictions.transform', dense: 'cls.predictions.transform.dense', norm: 'cls.predictions.transform.LayerNorm', activationField: 'hidden_act' },
    decoder: { weight: 'cls.predictions.decoder.weight', bias: 'cls.predictions.bias' },
  },
  layerPrefix: 'bert.encoder.layer.{i}',
};
