/**
 * DistilBERT (HF `DistilBertForSequenceClassification`): config keys `dim`, `hidden_dim`,
 * `n_layers`, `n_heads`, `activation`; no token types; LayerNorm eps fixed at 1e-12 by HF; the
 * head is `pre_classifier` → ReLU → `classifier` on [CLS], so the features are
 * ReLU(pre_classifier(h_CLS)), the input of `classifier`.
 */
import { buildEncoder, encoderActivation, type EncoderLayout } from './encoder.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';
import type { XdaModelOptions } from './linear-weights.js';
import { configInt } from './weights.js';

export const DISTILBERT_LAYOUT: EncoderLayout = {
  modelType: 'distilbert',
  readConfig: (config) => ({
    hidden: configInt(config, 'dim'),
    layers: configInt(config, 'n_layers'),
    heads: configInt(config, 'n_heads'),
    headsField: 'n_heads',
    intermediate: configInt(config, 'hidden_dim'),
    vocab: configInt(config, 'vocab_size'),
    positionRows: configInt(config, 'max_position_embeddings'),
    typeVocab: 0,
    eps: 1e-12,
    activation: encoderActivation(config, 'activation', 'gelu'),
    positionOffset: 0,
  }),
  basePrefix: 'distilbert.',
  wordEmbeddings: 'embeddings.word_embeddings',
  positionEmbeddings: 'embeddings.position_embeddings',
  embeddingsNorm: 'embeddings.LayerNorm',
  block: (l) => {
    const p = `transformer.layer.${l}.`;
    return {
      q: `${p}attention.q_lin`, k: `${p}attention.k_lin`, v: `${p}attention.v_lin`, o: `${p}attention.out_lin`,
      ln1: `${p}sa_layer_norm`, inter: `${p}ffn.lin1`, out: `${p}ffn.lin2`, ln2: `${p}output_layer_norm`,
    };
  },
  pooler: { name: 'pre_classifier', inBase: false, activation: 'Relu' },
  head: 'classifier',
  // DistilBertForMaskedLM: `vocab_transform` → config.activation → `vocab_layer_norm` (eps 1e-12, as every DistilBERT LayerNorm).
  maskedLmTransform: { dense: 'vocab_transform', norm: 'vocab_layer_norm' },
};

/**
 * @example
 * createXdaModel(weights, { model_type: 'distilbert', ... }); // dispatches here
 */
export function buildDistilbert(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  return buildEncoder(weights, config, DISTILBERT_LAYOUT, options);
}
