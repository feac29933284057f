import { explain, scatterToTraining, selfInfluence, sparsityHoyer, sparsityL0, surrogateFaithfulness, type DualDAModel, type FaithfulnessResult, type ZarrFeatureStore } from '@dualxda/core';
import { loadCheckpoint } from '@dualxda/llm-adapter';
import type { RunContext } from '../context.js';
import { InputError } from '../errors.js';
import { modelClassOf, storeClasses } from '../lib/candidate-classes.js';
import { checkModelDir } from '../lib/inputs.js';
import { readStoreRows } from './read-store.js';
import type { TestInputs } from './test-inputs.js';

/** Sparsity of the explanations of test rows (dualda.md §1.10) plus the model-level share. */
export interface SparsityFigures {
  testRows: number;
  /** Mean ℓ0^ε sparsity (share of training rows with |a/max a| < 1e-6). */
  l0: number;
  /** Mean Hoyer sparsity (1 = one non-zero entry). */
  hoyer: number;
  /** Share of training rows that are support vectors (the only rows that can be non-zero). */
  supportVectorShare: number;
}

/** Dense explanations of `test` spread over all training rows, then the two sparsity measures. */
export function sparsityFigures(model: DualDAModel, test: TestInputs, trainRows: number): SparsityFigures {
  const r = explain(model, { data: test.features, shape: [test.rows, test.dim] }, { topK: 0, mode: 'dense' });
  const full = scatterToTraining(r.dense!, model.svIndices, test.rows, trainRows);
  const scores = { data: full, shape: [test.rows, trainRows] as const };
  return { testRows: test.rows, l0: sparsityL0(scores).mean, hoyer: sparsityHoyer(scores).mean, supportVectorShare: model.svIndices.length / Math.max(1, trainRows) };
}

/**
 * The paper's surrogate faithfulness on the training rows: the SVM against the network's own
 * classification head (weights) and logits (stored by `dualxda cache`).
 */
export async function faithfulnessFigures(model: DualDAModel, train: ZarrFeatureStore, modelDir: string, ctx: RunContext): Promise<FaithfulnessResult> {
  if (train.logitsDim === 0 && train.manifest.head === 'token') {
    throw new InputError(train.path, 'faithfulness needs the network\'s logits on the training rows, and a token-head store keeps none (they would be rows x vocabulary)', 'for an LM head use --metric accuracy or identical-class (they need no stored logits)');
  }
  if (train.logitsDim === 0) throw new InputError(train.path, 'the store has no model logits, faithfulness needs them', 'rebuild it with `dualxda cache` (imported .npy stores carry no logits)');
  const ckpt = await loadCheckpoint(await checkModelDir(modelDir));
  const head = ckpt.sequenceHead;
  if (head === null) throw new InputError(modelDir, 'the checkpoint has no sequence-classification head', 'faithfulness compares the SVM with that head; use a *ForSequenceClassification checkpoint');
  const rows = await readStoreRows(train, ctx, 'faithfulness: reading features');
  const logits = await train.readLogits(0, train.rows);
  const K = model.classNames.length;
  if (model.classIds === undefined) return surrogateFaithfulness({ netWeights: head.weight.data, svmWeights: model.weights, features: rows.features, netLogits: logits, classes: K, dim: rows.dim });
  // Candidate set: the network's head rows and logit columns of the candidate classes.
  const ids = storeClasses(model);
  const L = train.logitsDim;
  const netWeights = new Float32Array(K * rows.dim);
  ids.forEach((c, k) => netWeights.set(head.weight.data.subarray(c * rows.dim, (c + 1) * rows.dim), k * rows.dim));
  const netLogits = new Float32Array(train.rows * K);
  for (let i = 0; i < train.rows; i++) ids.forEach((c, k) => (netLogits[i * K + k] = logits[i * L + c]!));
  return surrogateFaithfulness({ netWeights, svmWeights: model.weights, features: rows.features, netLogits, classes: K, dim: rows.dim });
}

/** Accuracy of the surrogate on test rows: against gold labels and against the network. */
export interface AccuracyFigures {
  testRows: number;
  /** Surrogate argmax == gold label (rows with a known label). */
  surrogateAccuracy: number;
  /** Network argmax == gold label. */
  modelAccuracy: number | null;
  /** Surrogate argmax == network argmax. */
  agreement: number | null;
  /**
   * Candidate-set models (`fit --classes`): test rows whose gold label is outside the set (the
   * surrogate cannot predict it; they count as wrong above) and the surrogate's accuracy on the others.
   */
  candidateSet?: { classes: number; outsideGold: number; surrogateAccuracyInside: number };
}

function argmax(v: ArrayLike<number>, off: number, k: number): number {
  let best = 0;
  for (let m = 1; m < k; m++) if (v[off + m]! > v[off + best]!) best = m;
  return best;
}

/**
 * Surrogate (W f + b) vs gold labels and vs the network's logits. Compared as store classes: a
 * candidate-set model's prediction k is store class `classIds[k]`, and the network's logits then
 * cover every store class (its argmax may be outside the set).
 */
export function accuracyFigures(model: DualDAModel, test: TestInputs): AccuracyFigures {
  const K = model.classNames.length;
  const d = test.dim;
  const z = new Float64Array(K);
  const toStore = storeClasses(model);
  const inSet = modelClassOf(model);
  let known = 0, sCorrect = 0, mCorrect = 0, agree = 0, outside = 0;
  // The network's classes: the model's own, or (candidate set) every store class.
  const netClasses = model.classIds === undefined ? K : test.classes;
  const hasLogits = test.logits !== null && test.classes === netClasses && netClasses > (toStore[K - 1] ?? 0);
  for (let t = 0; t < test.rows; t++) {
    for (let m = 0; m < K; m++) {
      let s = model.bias[m]!;
      for (let j = 0; j < d; j++) s += model.weights[m * d + j]! * test.features[t * d + j]!;
      z[m] = s;
    }
    const ps = toStore[argmax(z, 0, K)]!;
    const pm = hasLogits ? argmax(test.logits!, t * netClasses, netClasses) : -1;
    if (ps === pm) agree++;
    const y = test.labels[t]!;
    if (y >= 0) {
      known++;
      if (inSet(y) < 0) outside++;
      if (ps === y) sCorrect++;
      if (pm === y) mCorrect++;
    }
  }
  const figures: AccuracyFigures = { testRows: test.rows, surrogateAccuracy: known === 0 ? Number.NaN : sCorrect / known, modelAccuracy: hasLogits && known > 0 ? mCorrect / known : null, agreement: hasLogits ? agree / Math.max(1, test.rows) : null };
  if (model.classIds !== undefined) figures.candidateSet = { classes: K, outsideGold: outside, surrogateAccuracyInside: known - outside === 0 ? Number.NaN : sCorrect / (known - outside) };
  return figures;
}

/** Training rows with the largest self-influence (likely mislabelled or atypical). */
export interface SelfInfluenceRow {
  index: number;
  id: string;
  label: string;
  score: number;
  text: string;
}

/** Top-k self-influence (‖x_i‖² α[i, y_i]) with ids and texts. */
export async function topSelfInfluence(model: DualDAModel, train: ZarrFeatureStore, k: number): Promise<SelfInfluenceRow[]> {
  const labels = await train.readLabels();
  const scores = selfInfluence(model, train.rows, { labels });
  const order = Array.from(model.svIndices).sort((a, b) => scores[b]! - scores[a]!).slice(0, k);
  const texts = train.hasTexts && order.length > 0 ? await train.gatherTexts(order) : order.map(() => '');
  const ids = (await train.gatherRows(order)).ids;
  // Labels are store classes: a candidate-set model (`classIds`) names them by the store.
  const nameOf = (y: number): string => (model.classIds === undefined ? model.classNames[y] : train.manifest.classNames[y]) ?? String(y);
  return order.map((i, j) => ({ index: i, id: ids[j]!, label: nameOf(labels[i]!), score: scores[i]!, text: texts[j]! }));
}
