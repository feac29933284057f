/**
 * One batched relevance pass: forward with the rules attached, backward from a per-row scalar
 * readout, token relevance = Σ_hidden x ⊙ G at the input embeddings (x = word embedding, plus the
 * position/type embeddings in `per-position` mode), plus the budget of relevance the rules kept.
 */
import * as tf from '@tensorflow/tfjs';
import { createExecutionContext, drainLedger } from '../engine.js';
import type { ExecutionContext } from '../engine.js';
import { registerAllRules } from '../register-all-rules.js';
import { ABSORBED_PLACES } from '../registry.js';
import type { AbsorbedPlace, RuleVariant } from '../registry.js';
import type { ModelInput, XdaModel } from '../models/types.js';
import { padBatch } from '../models/weights.js';
import { LAYERWISE_MIN_ACTIVATION_BYTES, type RelevanceMode } from './options.js';

/** Relevance kept on the way to the tokens, per place (see `AbsorbedPlace`); every place present. */
export type AbsorbedRelevance = Record<AbsorbedPlace, number>;

/** Token heatmap of one input plus its budget: tokenSum + Σ absorbed = target, up to `residual`. */
export interface TokenRelevance {
  ids: number[];
  /** Token strings passed in with the input (or the ids as strings). */
  tokens: string[];
  /** What a token's relevance is: `per-position` (summed input embedding) or `word` (LXT). */
  mode: RelevanceMode;
  /** Relevance per token. */
  relevance: Float64Array;
  /** The explained scalar: initial relevance at the feature layer (a pair's attribution, or the logit). */
  target: number;
  /** Σ relevance. */
  tokenSum: number;
  /**
   * Relevance the rules kept instead of passing it to the tokens, as each rule states it
   * (`RuleConfig.absorbed`): `positionEmbeddings` (word mode; 0 up to rounding in per-position
   * mode), `softmax` (the softmax rule's remainder), `normalisation` (LayerNorm β), `biases`,
   * `stabiliser` (ε shares).
   */
  absorbed: AbsorbedRelevance;
  /**
   * |tokenSum + Σ absorbed − target| relative to the largest of |target|, |tokenSum| and each
   * |absorbed| term: about 1e-7 in float32 when every rule passes on what it states, large when not.
   */
  residual: number;
}

/** Per-row scalar read out from the features `[B, d]` (its value is the initial relevance). */
export type Readout = (ctx: ExecutionContext, features: tf.Tensor2D) => tf.Tensor1D;

/** The settings of one pass. */
export interface PropagateSettings {
  variant: RuleVariant;
  epsilon: number;
  mode: RelevanceMode;
  /** See `ExplainOptions.layerwise`. @default 'auto' */
  layerwise?: 'auto' | 'always' | 'never';
}

/** tokenSum + Σ absorbed − target, relative (see `TokenRelevance.residual`). */
function residualOf(target: number, tokenSum: number, absorbed: AbsorbedRelevance): number {
  let sum = tokenSum;
  let scale = Math.max(Math.abs(target), Math.abs(tokenSum));
  for (const place of ABSORBED_PLACES) {
    sum += absorbed[place];
    scale = Math.max(scale, Math.abs(absorbed[place]));
  }
  return Math.abs(sum - target) / Math.max(scale, 1e-30);
}

export function propagate(model: XdaModel, inputs: readonly ModelInput[], readout: Readout, settings: PropagateSettings): TokenRelevance[] {
  registerAllRules();
  const { variant, epsilon, mode } = settings;
  const batch = padBatch(inputs, model.vocabSize, model.maxPositions);
  const held: tf.Tensor[] = [];
  const ctx = { ...createExecutionContext({ variant, epsilon, grad: true }), held };
  let targets = new Float64Array(inputs.length);
  let wordRel: tf.Tensor;
  let posRel: tf.Tensor;
  const staged = layerwiseStages(model, batch, settings.layerwise ?? 'auto');
  try {
    [wordRel, posRel] = tf.tidy(() => {
      const e = model.embed(batch);
      let g: tf.Tensor;
      if (staged === undefined) {
        const scalar = (x: tf.Tensor) => {
          const y = readout(ctx, model.features(ctx, x, batch));
          targets = Float64Array.from(y.dataSync());
          return tf.sum(y);
        };
        [g] = tf.grads(scalar)([e]) as [tf.Tensor];
      } else {
        g = backwardByLayer(staged.steps, e, ctx, (f) => {
          const y = readout(ctx, f as tf.Tensor2D);
          targets = Float64Array.from(y.dataSync());
          return tf.sum(y);
        });
      }
      // AddConstant passes G on unchanged, so the relevance at e + c is (e + c) ⊙ G: c ⊙ G is the
      // position's share that `word` mode leaves to the constant.
      const c = mode === 'per-position' ? model.positionEmbeddings(batch) : undefined;
      return [tf.sum(tf.mul(e, g), -1), c === undefined ? tf.zeros(e.shape.slice(0, 2)) : tf.sum(tf.mul(c, g), -1)];
    });
  } finally {
    tf.dispose(held);
    staged?.release();
  }
  const word = wordRel.dataSync();
  const pos = posRel.dataSync();
  tf.dispose([wordRel, posRel]);
  const ledger = drainLedger(ctx, inputs.length);
  return inputs.map((input, b) => {
    const n = input.ids.length;
    const at = b * batch.maxLen;
    const relevance = new Float64Array(n);
    let tokenSum = 0;
    let positionSum = 0;
    for (let t = 0; t < n; t++) {
      relevance[t] = (word[at + t] as number) + (pos[at + t] as number);
      tokenSum += relevance[t] as number;
      positionSum += pos[at + t] as number;
    }
    const absorbed = Object.fromEntries(ABSORBED_PLACES.map((p) => [p, ledger.get(p)?.[b] ?? 0])) as AbsorbedRelevance;
    // In per-position mode the tokens took the constant's share back; what remains is rounding.
    absorbed.positionEmbeddings -= positionSum;
    const target = targets[b] as number;
    const tokens = input.tokens ? [...input.tokens] : input.ids.map(String);
    return { ids: [...input.ids], tokens, mode, relevance, target, tokenSum, absorbed, residual: residualOf(target, tokenSum, absorbed) };
  });
}

/** The model's steps when this pass should go layer by layer (see `ExplainOptions.layerwise`). */
function layerwiseStages(model: XdaModel, batch: ReturnType<typeof padBatch>, layerwise: 'auto' | 'always' | 'never'): ReturnType<NonNullable<XdaModel['stages']>> | undefined {
  if (layerwise === 'never' || model.stages === undefined) return undefined;
  const staged = model.stages(batch);
  if (layerwise === 'always' || staged.activationBytes >= LAYERWISE_MIN_ACTIVATION_BYTES) return staged;
  staged.release();
  return undefined;
}

/**
 * G at the word embeddings, one step at a time: the steps' outputs come from a forward pass
 * without a tape (plain kernels, no rules: nothing held), then from the readout back, each step
 * runs again under its rules and `tf.grads` with the upstream G, and its activations are freed
 * before the step below runs. Same ops, same kernels, same G as the one-shot pass.
 */
function backwardByLayer(steps: readonly ((ctx: ExecutionContext, x: tf.Tensor) => tf.Tensor)[], e: tf.Tensor, ctx: ExecutionContext & { held: tf.Tensor[] }, scalar: (features: tf.Tensor) => tf.Scalar): tf.Tensor {
  const plain = { ...ctx, grad: false };
  const outs: tf.Tensor[] = [e];
  for (const step of steps) outs.push(tf.tidy(() => step(plain, outs[outs.length - 1] as tf.Tensor)));
  const release = (): void => {
    tf.dispose(ctx.held);
    ctx.held.length = 0;
  };
  let [g] = tf.grads(scalar)([outs[steps.length] as tf.Tensor]) as [tf.Tensor];
  for (let s = steps.length - 1; s >= 0; s--) {
    const step = steps[s] as (c: ExecutionContext, x: tf.Tensor) => tf.Tensor;
    const upstream = g;
    [g] = tf.tidy(() => tf.grads((x: tf.Tensor) => step(ctx, x))([outs[s] as tf.Tensor], upstream)) as [tf.Tensor];
    upstream.dispose();
    // The held tensors include this step's input: the word embeddings at step 0, which the caller
    // still reads (its `finally` frees them then).
    if (s > 0) {
      release();
      (outs[s] as tf.Tensor).dispose();
    }
  }
  (outs[steps.length] as tf.Tensor).dispose();
  return g;
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
