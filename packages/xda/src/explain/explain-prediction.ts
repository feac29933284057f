import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@dualxda/core';
import { applyOp } from '../engine.js';
import type { LinearAttrs } from '../op-names.js';
import type { ModelInput, XdaModel } from '../models/types.js';
import { resolveExplainPairOptions } from './options.js';
import type { ExplainOptions } from './options.js';
import { propagate } from './propagate.js';
import type { TokenRelevance } from './propagate.js';

export interface ExplainPredictionOptions extends ExplainOptions {
  /** Explained class. @default the argmax of the head's output */
  classIndex?: number;
  /**
   * Linear head on the features (HF layout `[K, d]` weight, optional bias). @default `model.head`.
   * Pass the DualDA surrogate (coef = αᵀF, no intercept) to explain the surrogate's output.
   */
  head?: { weight: Float32Array | number[][]; bias?: Float32Array };
}

export interface PredictionExplanation extends TokenRelevance {
  classIndex: number;
  logits: Float64Array;
}

function toHead(model: XdaModel, head: ExplainPredictionOptions['head']): { attrs: LinearAttrs; dispose: () => void } {
  if (head === undefined) {
    if (model.head === undefined) throw new InvalidOptionError('head', 'the model weights have no classification head; pass one');
    return { attrs: model.head, dispose: () => undefined };
  }
  const d = model.featureSize;
  const flat = head.weight instanceof Float32Array ? head.weight : Float32Array.from(head.weight.flat());
  if (flat.length === 0 || flat.length % d !== 0) throw new InvalidOptionError('head.weight', `size ${flat.length} is not K × ${d}`);
  const k = flat.length / d;
  if (head.bias !== undefined && head.bias.length !== k) throw new InvalidOptionError('head.bias', `expected ${k} entries, got ${head.bias.length}`);
  const weight = tf.tensor2d(flat, [k, d]);
  const attrs: LinearAttrs = { weight, bias: head.bias && tf.tensor1d(head.bias) };
  return { attrs, dispose: () => { weight.dispose(); attrs.bias?.dispose(); } };
}

/**
 * Plain LRP heatmap of a prediction: relevance starts as the head's output for `classIndex`
 * (gradient×input convention), and the head's bias is accounted as absorbed (`absorbed.biases`).
 *
 * @example
 * const { relevance, classIndex } = explainPrediction(model, { ids, tokens });
 */
export function explainPrediction(model: XdaModel, input: ModelInput, options: ExplainPredictionOptions = {}): PredictionExplanation {
  const { variant, epsilon, mode, layerwise } = resolveExplainPairOptions({ variant: options.variant, epsilon: options.epsilon, mode: options.mode, layerwise: options.layerwise });
  const { attrs, dispose } = toHead(model, options.head);
  try {
    const K = attrs.weight.shape[0];
    let logits = new Float64Array(K);
    let classIndex = options.classIndex ?? -1;
    if (classIndex !== -1 && !(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < K)) {
      throw new InvalidOptionError('classIndex', `expected an integer in [0, ${K}), got ${classIndex}`);
    }
    const [row] = propagate(model, [input], (ctx, f) => {
      const z = applyOp(ctx, 'Linear', [f], attrs);
      logits = Float64Array.from(z.dataSync());
      if (classIndex === -1) classIndex = logits.indexOf(Math.max(...logits));
      return tf.reshape(tf.slice(z, [0, classIndex], [1, 1]), [1]) as tf.Tensor1D;
    }, { variant, epsilon, mode, layerwise });
    return { ...(row as TokenRelevance), classIndex, logits };
  } finally {
    dispose();
  }
}
