/**
 * One batched relevance pass: forward with the rules attached, backward from a per-row scalar
 * readout, token relevance = Σ_hidden E ⊙ G at the word embeddings, plus the ledger of absorbed
 * relevance so each row's conservation can be checked.
 */
import * as tf from '@tensorflow/tfjs';
import { createExecutionContext, drainLedger } from '../engine.js';
import type { ExecutionContext } from '../engine.js';
import type { OpName } from '../op-names.js';
import { registerAllRules } from '../register-all-rules.js';
import type { RuleVariant } from '../registry.js';
import type { ModelInput, XdaModel } from '../models/types.js';
import { padBatch } from '../models/weights.js';

/** Token heatmap of one input plus its conservation bookkeeping. */
export interface TokenRelevance {
  ids: number[];
  /** Token strings passed in with the input (or the ids as strings). */
  tokens: string[];
  /** Relevance per token (word-embedding share). */
  relevance: Float64Array;
  /** The explained scalar: initial relevance at the feature layer (or the logit). */
  target: number;
  /** Σ relevance. */
  tokenSum: number;
  /**
   * Relevance kept by ops instead of passed to the tokens, per op name: `Linear` (biases, and the
   * ε stabiliser), `LayerNorm` (β), `AddConstant` (position/type embeddings), `Softmax` (the
   * softmax rule's non-conservation), identity-rule stabiliser rounding under the non-linearities.
   */
  absorbed: Partial<Record<OpName, number>>;
  /** |tokenSum + Σ absorbed − target| / max(|target|, 1e-30): 0 when relevance is conserved. */
  residual: number;
}

/** Per-row scalar read out from the features `[B, d]` (its value is the initial relevance). */
export type Readout = (ctx: ExecutionContext, features: tf.Tensor2D) => tf.Tensor1D;

export function propagate(model: XdaModel, inputs: readonly ModelInput[], readout: Readout, variant: RuleVariant, epsilon: number): TokenRelevance[] {
  registerAllRules();
  const batch = padBatch(inputs, model.vocabSize, model.maxPositions);
  const ctx = createExecutionContext({ variant, epsilon, grad: true });
  let targets = new Float64Array(inputs.length);
  const tokenRel = tf.tidy(() => {
    const e = model.embed(batch);
    const scalar = (x: tf.Tensor) => {
      const y = readout(ctx, model.features(ctx, x, batch));
      targets = Float64Array.from(y.dataSync());
      return tf.sum(y);
    };
    const [g] = tf.grads(scalar)([e]);
    return tf.sum(tf.mul(e, g as tf.Tensor), -1);
  });
  const rel = tokenRel.dataSync();
  tokenRel.dispose();
  const ledger = drainLedger(ctx, inputs.length);
  return inputs.map((input, b) => {
    const n = input.ids.length;
    const relevance = Float64Array.from(rel.subarray(b * batch.maxLen, b * batch.maxLen + n));
    let tokenSum = 0;
    for (const r of relevance) tokenSum += r;
    const absorbed: Partial<Record<OpName, number>> = {};
    let absorbedSum = 0;
    for (const [op, v] of ledger) {
      absorbed[op] = v[b] as number;
      absorbedSum += v[b] as number;
    }
    const target = targets[b] as number;
    const residual = Math.abs(tokenSum + absorbedSum - target) / Math.max(Math.abs(target), 1e-30);
    const tokens = input.tokens ? [...input.tokens] : input.ids.map(String);
    return { ids: [...input.ids], tokens, relevance, target, tokenSum, absorbed, residual };
  });
}

/** Features `[B, d]` of inputs (plain inference, no rules attached), one Float32Array per input. */
export function extractFeatures(model: XdaModel, inputs: readonly ModelInput[]): Float32Array[] {
  registerAllRules();
  const batch = padBatch(inputs, model.vocabSize, model.maxPositions);
  const ctx = createExecutionContext({ grad: false });
  const feats = tf.tidy(() => model.features(ctx, model.embed(batch), batch));
  const flat = Float32Array.from(feats.dataSync());
  feats.dispose();
  const d = model.featureSize;
  return inputs.map((_, b) => flat.slice(b * d, (b + 1) * d));
}
