/**
 * BERT encoder + pooler (HF `BertForSequenceClassification` layout); features = pooler output, the
 * input of `classifier`. The forward is the shared encoder of `encoder.ts`.
 */
import { buildEncoder, encoderActivation, type EncoderLayout } from './encoder.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';
import type { XdaModelOptions } from './linear-weights.js';
import { configInt, configNumber } from './weights.js';

export const BERT_LAYOUT: EncoderLayout = {
  modelType: 'bert',
  readConfig: (config) => ({
    hidden: configInt(config, 'hidden_size'),
    layers: configInt(config, 'num_hidden_layers'),
    heads: configInt(config, 'num_attention_heads'),
    headsField: 'num_attention_heads',
    intermediate: configInt(config, 'intermediate_size'),
    vocab: configInt(config, 'vocab_size'),
    positionRows: configInt(config, 'max_position_embeddings'),
    typeVocab: configInt(config, 'type_vocab_size', 2),
    eps: configNumber(config, 'layer_norm_eps', 1e-12),
    activation: encoderActivation(config, 'hidden_act', 'gelu'),
    positionOffset: 0,
  }),
  // BertForSequenceClassification prefixes "bert."; a bare BertModel does not.
  basePrefix: 'bert.',
  wordEmbeddings: 'embeddings.word_embeddings',
  positionEmbeddings: 'embeddings.position_embeddings',
  tokenTypeEmbeddings: 'embeddings.token_type_embeddings',
  embeddingsNorm: 'embeddings.LayerNorm',
  block: (l) => {
    const p = `encoder.layer.${l}.`;
    return {
      q: `${p}attention.self.query`, k: `${p}attention.self.key`, v: `${p}attention.self.value`,
      o: `${p}attention.output.dense`, ln1: `${p}attention.output.LayerNorm`,
      inter: `${p}intermediate.dense`, out: `${p}output.dense`, ln2: `${p}output.LayerNorm`,
    };
  },
  pooler: { name: 'pooler.dense', inBase: true, activation: 'Tanh' },
  head: 'classifier',
  maskedLmTransform: { dense: 'cls.predictions.transform.dense', norm: 'cls.predictions.transform.LayerNorm' },
};

export function buildBert(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  return buildEncoder(weights, config, BERT_LAYOUT, options);
}
