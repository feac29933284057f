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
 * XDA for the top-k training examples of one test input, batched: one relevance pass for all
 * test-side maps and one for all train-side maps. The initial relevance at the feature layer is
 * R_k = α_i f_test,k f_train,k, so each side's tokens plus the absorbed terms sum to α_i ⟨f_t, f_i⟩
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
  const { variant, epsilon, side, mode } = resolveExplainPairOptions({ ...rest, alpha: 1 });
  checkInputs([testInput], model.vocabSize, model.maxPositions, 'testInput');
  checkInputs(trainInputs, model.vocabSize, model.maxPositions, 'trainInputs');
  if (trainInputs.length === 0) return [];
  const trainPos = trainPositions ?? [];
  const [fTest, ...fTrain] = extractFeatures(at([tp, ...trainPos]), [testInput, ...trainInputs]) as [Float32Array, ...Float32Array[]];
  const d = model.featureSize;
  const scaled = (f: Float32Array, a: number) => f.map((v) => v * a);
  const testSide = side === 'train' ? undefined : propagate(
    at(trainInputs.map(() => tp)), trainInputs.map(() => testInput), innerProduct(fTrain.map((f, i) => scaled(f, alphas[i] as number)), d), { variant, epsilon, mode },
  );
  const trainSide = side === 'test' ? undefined : propagate(
    at([...trainPos]), trainInputs, innerProduct(alphas.map((a) => scaled(fTest, a)), d), { variant, epsilon, mode },
  );
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
