/**
 * Architecture registry: HF `model_type` -> builder. Adding an architecture adds an entry, never a
 * branch in shared code.
 */
import { ModelWeightsError } from '../errors.js';
import { buildBert } from './bert.js';
import { buildDistilbert } from './distilbert.js';
import { buildGemma } from './gemma.js';
import { buildLlama } from './llama.js';
import { buildMistral } from './mistral.js';
import { buildQwen2 } from './qwen2.js';
import { buildRoberta } from './roberta.js';
import type { XdaModelOptions } from './linear-weights.js';
import type { HfConfig, WeightMap, XdaModel } from './types.js';

export interface ArchitectureDescriptor {
  modelType: string;
  family: 'encoder-only' | 'decoder-only';
  /** Which token's state the features are read from. */
  featureToken: 'first' | 'last';
  build(weights: WeightMap, config: HfConfig, options?: XdaModelOptions): XdaModel;
}

export const ARCHITECTURES: Readonly<Record<string, ArchitectureDescriptor>> = {
  bert: { modelType: 'bert', family: 'encoder-only', featureToken: 'first', build: buildBert },
  llama: { modelType: 'llama', family: 'decoder-only', featureToken: 'last', build: buildLlama },
  roberta: { modelType: 'roberta', family: 'encoder-only', featureToken: 'first', build: buildRoberta },
  distilbert: { modelType: 'distilbert', family: 'encoder-only', featureToken: 'first', build: buildDistilbert },
  mistral: { modelType: 'mistral', family: 'decoder-only', featureToken: 'last', build: buildMistral },
  qwen2: { modelType: 'qwen2', family: 'decoder-only', featureToken: 'last', build: buildQwen2 },
  gemma: { modelType: 'gemma', family: 'decoder-only', featureToken: 'last', build: buildGemma },
};

/**
 * Builds an XDA model from HF weights (`readSafetensors` output) and the parsed `config.json`.
 * `options.linearWeights` says where Linear weights live (`linear-weights.ts`; default `auto`).
 *
 * @example
 * const model = createXdaModel(await readSafetensors('tiny-bert/model.safetensors'), config);
 */
export function createXdaModel(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  const type = config['model_type'];
  const arch = typeof type === 'string' && Object.hasOwn(ARCHITECTURES, type) ? ARCHITECTURES[type] : undefined;
  if (arch === undefined) {
    throw new ModelWeightsError('config.model_type', `unsupported ${JSON.stringify(type)}; known: ${Object.keys(ARCHITECTURES).join(', ')}`);
  }
  return arch.build(weights, config, options);
}
