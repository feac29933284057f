/**
 * RoBERTa (HF `RobertaForSequenceClassification`): BERT's encoder under `roberta.`, no pooler,
 * positions counted from padding_idx + 1 (HF `create_position_ids_from_input_ids` on a
 * right-padded batch), one token type; the head is `classifier.dense` → tanh → `classifier.out_proj`
 * on `<s>`, so the features are tanh(dense(h_<s>)), the input of `out_proj`.
 */
import { ModelWeightsError } from '../errors.js';
import { BERT_LAYOUT } from './bert.js';
import { buildEncoder, type EncoderLayout } from './encoder.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';
import type { XdaModelOptions } from './linear-weights.js';
import { configNumber } from './weights.js';

export const ROBERTA_LAYOUT: EncoderLayout = {
  ...BERT_LAYOUT,
  modelType: 'roberta',
  readConfig: (config) => {
    const pad = config['pad_token_id'] ?? 1;
    if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < 0) {
      throw new ModelWeightsError('config.pad_token_id', `expected a non-negative integer (RoBERTa's padding_idx), got ${JSON.stringify(pad)}`);
    }
    const base = BERT_LAYOUT.readConfig({ type_vocab_size: 1, ...config });
    return { ...base, eps: configNumber(config, 'layer_norm_eps', 1e-5), positionOffset: pad + 1 };
  },
  basePrefix: 'roberta.',
  pooler: { name: 'classifier.dense', inBase: false, activation: 'Tanh' },
  head: 'classifier.out_proj',
  // RobertaForMaskedLM's head: RobertaLMHead applies exact GELU whatever `hidden_act` says.
  maskedLmTransform: { dense: 'lm_head.dense', norm: 'lm_head.layer_norm', activation: 'Gelu' },
};

/**
 * @example
 * createXdaModel(weights, { model_type: 'roberta', ... }); // dispatches here
 */
export function buildRoberta(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  return buildEncoder(weights, config, ROBERTA_LAYOUT, options);
}
