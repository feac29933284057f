import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@dualxda/core';
import type { ModelInput, XdaModel } from '../models/types.js';
import { resolveExplainPairOptions } from './options.js';
import type { ExplainPairOptions, RelevanceMode } from './options.js';
import { extractFeatures, propagate } from './propagate.js';
import { checkInputs } from '../models/weights.js';
import { atTokenPositions } from './token-positions.js';
import type { TokenRelevance } from './propagate.js';

/** XDA of one (test, train) pair. */
export interface PairExplanation {
  /** ⟨f(test), f(train)⟩ (no bias, DualDA kernel). */
  kernel: number;
  alpha: number;
  /** α · kernel: the DualDA attribution A[t, i]; on each side, tokenSum + Σ absorbed equals it. */
  attribution: number;
  /** What a token's relevance is on both sides. */
  mode: RelevanceMode;
  /** Test-side heatmap (initial relevance f_test ⊙ α f_train), unless `side: 'train'`. */
  test?: TokenRelevance;
  /** Train-side heatmap (initial relevance f_train ⊙ α f_test), unless `side: 'test'`. */
  train?: TokenRelevance;
}

export interface ExplainTopKOptions extends Omit<ExplainPairOptions, 'alpha'> {
  /** α[i, c] per training input (default 1 each). */
  alphas?: readonly number[];
  /**
   * Token rows: the test input's position. With `trainPositions`, features are the final hidden
   * states at these positions (`atTokenPositions`) instead of the pooled sequence features.
   */
  testPosition?: number;
  /** Token rows: each training input's position (same length as `trainInputs`). */
  trainPositions?: readonly number[];
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}

/** Readout Σ_k f_k · c_{b,k} with constant directions c (relevance at the features = f ⊙ c). */
function innerProduct(directions: Float32Array[], d: number) {
  return (_ctx: unknown, f: tf.Tensor2D): tf.Tensor1D => {
    const flat = new Float32Array(directions.length * d);
    directions.forEach((c, b) => flat.set(c, b * d));
    return tf.sum(tf.mul(f, tf.tensor2d(flat, [directions.length, d])), 1) as tf.Tensor1D;
  };
}

/**
 * Readout of the one-pass `side: 'both'` batch [test × k, train_1 … train_k]: row b's direction is
 * α · its partner row's features (test copy i ↔ train i), read from the pass's own forward and
 * entered as constants (so no gradient flows through them). `onFeatures` receives all `[2k, d]`.
 */
function partnerReadout(alphas: readonly number[], d: number, onFeatures: (f: Float32Array) => void) {
  const k = alphas.length;
  return (_ctx: unknown, f: tf.Tensor2D): tf.Tensor1D => {
    const v = f.dataSync() as Float32Array;
    onFeatures(Float32Array.from(v));
    const c = new Float32Array(2 * k * d);
    for (let i = 0; i < k; i++) {
      const a = alphas[i] as number;
      for (let j = 0; j < d; j++) {
        c[i * d + j] = a * (v[(k + i) * d + j] as number);
        c[(k + i) * d + j] = a * (v[i * d + j] as number);
      }
    }
    return tf.sum(tf.mul(f, tf.tensor2d(c, [2 * k, d])), 1) as tf.Tensor1D;
  };
}

/**
 * XDA for the top-k training examples of one test input, batched: one relevance pass for both
 * sides' maps (`side: 'both'`), or one feature forward and one pass for one side. The initial
 * relevance at the feature layer is R_k = α_i f_test,k f_train,k, so each side's tokens plus the absorbed terms sum to α_i ⟨f_t, f_i⟩
 * (`TokenRelevance.tokenSum`, `.absorbed`, `.residual`; `budgetShares` gives the tokens' share).
 *
 * @example
 * const pairs = explainTopK(model, test, [train0, train1], { alphas: [0.3, -0.1] });
 * pairs[0].test?.relevance; // per test token
 */
export function explainTopK(model: XdaModel, testInput: ModelInput, trainInputs: readonly ModelInput[], options: ExplainTopKOptions = {}): PairExplanation[] {
  const { testPosition, trainPositions, ...rest } = options;
  if ((testPosition === undefined) !== (trainPositions === undefined) || (trainPositions !== undefined && trainPositions.length !== trainInputs.length)) {
    throw new InvalidOptionError('trainPositions', 'token rows need testPosition and one train position per training input');
  }
  // Token rows: one wrapper per batch order (test + train for the features, each side for its pass).
  const at = (positions: number[]): XdaModel => (trainPositions === undefined ? model : atTokenPositions(model, positions));
  const tp = testPosition ?? 0;
  const alphas = rest.alphas ?? trainInputs.map(() => 1);
  if (alphas.length !== trainInputs.length) {
    throw new InvalidOptionError('alphas', `has ${alphas.length} entries for ${trainInputs.length} training inputs`);
  }
  const opts = alphas.map((alpha) => resolveExplainPairOptions({ ...rest, alpha }));
  const { variant, epsilon, side, mode, layerwise } = resolveExplainPairOptions({ ...rest, alpha: 1 });
  checkInputs([testInput], model.vocabSize, model.maxPositions, 'testInput');
  checkInputs(trainInputs, model.vocabSize, model.maxPositions, 'trainInputs');
  if (trainInputs.length === 0) return [];
  const trainPos = trainPositions ?? [];
  const d = model.featureSize;
  const settings = { variant, epsilon, mode, layerwise };
  let fTest: Float32Array;
  let fTrain: Float32Array[];
  let testSide: TokenRelevance[] | undefined;
  let trainSide: TokenRelevance[] | undefined;
  if (side === 'both') {
    // One pass for both sides: rows [test × k, train_1 … train_k], each row's readout direction is
    // its partner's features, read inside the pass (no separate feature forward).
    const k = trainInputs.length;
    let feats: Float32Array = new Float32Array(0);
    const rows = propagate(
      at([...trainInputs.map(() => tp), ...trainPos]), [...trainInputs.map(() => testInput), ...trainInputs],
      partnerReadout(alphas, d, (f) => (feats = f)), settings,
    );
    testSide = rows.slice(0, k);
    trainSide = rows.slice(k);
    fTest = feats.slice(0, d);
    fTrain = trainInputs.map((_, i) => feats.slice((k + i) * d, (k + i + 1) * d));
  } else {
    [fTest, ...fTrain] = extractFeatures(at([tp, ...trainPos]), [testInput, ...trainInputs]) as [Float32Array, ...Float32Array[]];
    const scaled = (f: Float32Array, a: number) => f.map((v) => v * a);
    if (side === 'test') testSide = propagate(at(trainInputs.map(() => tp)), trainInputs.map(() => testInput), innerProduct(fTrain.map((f, i) => scaled(f, alphas[i] as number)), d), settings);
    else trainSide = propagate(at([...trainPos]), trainInputs, innerProduct(alphas.map((a) => scaled(fTest, a)), d), settings);
  }
  return fTrain.map((f, i) => {
    const kernel = dot(fTest, f);
    const alpha = (opts[i] as { alpha: number }).alpha;
    const out: PairExplanation = { kernel, alpha, attribution: alpha * kernel, mode };
    if (testSide) out.test = testSide[i] as TokenRelevance;
    if (trainSide) out.train = trainSide[i] as TokenRelevance;
    return out;
  });
}

/**
 * XDA of one pair: token heatmaps on both inputs whose relevance, together with what the rules
 * keep (`TokenRelevance.absorbed`: softmax remainder, biases, LayerNorm β, position embeddings in
 * `word` mode), sums to the DualDA attribution α · ⟨f(test), f(train)⟩.
 *
 * @example
 * const { test, train, attribution } = explainPair(model, { ids: testIds }, { ids: trainIds }, { alpha });
 */
export function explainPair(model: XdaModel, testInput: ModelInput, trainInput: ModelInput, options: ExplainPairOptions = {}): PairExplanation {
  const { alpha, ...rest } = resolveExplainPairOptions(options);
  return explainTopK(model, testInput, [trainInput], { ...rest, alphas: [alpha] })[0] as PairExplanation;
}
