import { explain, type DualDAModel, type ZarrFeatureStore } from '@dualxda/core';
import type { TestInputs } from './test-inputs.js';

/** One attributed training example, ready to print or export. */
export interface ExplainedTrainRow {
  index: number;
  id: string;
  score: number;
  label: number;
  labelName: string;
  text: string;
}

/** One explained prediction. */
export interface ExplainedPrediction {
  id: string;
  text: string;
  /** Token rows: the whole text the token (`text`) comes from. */
  context?: string;
  /** Gold label (-1 when unknown). */
  label: number;
  labelName: string;
  /**
   * Explained class (index of the model's classes, which α is indexed by): the network's prediction
   * when its logits are known, else the surrogate's.
   */
  predicted: number;
  predictedName: string;
  predictedBy: 'model' | 'surrogate';
  /**
   * Candidate-set models (`fit --classes`) only: the network's own prediction (a store class,
   * e.g. a token id) when it is outside the candidate set, so the surrogate's best candidate was
   * explained instead.
   */
  outsideCandidates?: { classId: number; name: string };
  /** Σ_i A[t, i] = w_c · f_t (surrogate logit of the explained class, no intercept). */
  rowSum: number;
  proponents: ExplainedTrainRow[];
  opponents: ExplainedTrainRow[];
}

/** Per row of a row-major `[rows, k]` logit matrix, the index of its largest value. */
export function argmaxRows(logits: Float32Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let t = 0; t < rows; t++) {
    let best = 0;
    for (let m = 1; m < k; m++) if (logits[t * k + m]! > logits[t * k + best]!) best = m;
    out[t] = best;
  }
  return out;
}

/** Argmax of the surrogate's scores w_k · f + b_k of row t over the model's classes. */
function surrogateArgmax(model: DualDAModel, f: Float32Array, t: number, d: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < model.bias.length; k++) {
    let s = model.bias[k] as number;
    for (let j = 0; j < d; j++) s += (model.weights[k * d + j] as number) * (f[t * d + j] as number);
    if (s > bestScore) [best, bestScore] = [k, s];
  }
  return best;
}

/**
 * Targets of a candidate-set model from the network's logits over all store classes: the
 * prediction's candidate index when it is in the set, else the surrogate's best candidate (and the
 * outside prediction is reported).
 */
export function candidateTargets(model: DualDAModel, ids: readonly number[], test: TestInputs): { targets: Int32Array; outside: (number | undefined)[] } | undefined {
  if (test.logits === null || test.classes <= (ids[ids.length - 1] as number)) return undefined;
  const predicted = argmaxRows(test.logits, test.rows, test.classes);
  const index = new Map(ids.map((c, k) => [c, k]));
  const outside: (number | undefined)[] = [];
  const targets = Int32Array.from(predicted, (p, t) => {
    const k = index.get(p);
    outside[t] = k === undefined ? p : undefined;
    return k ?? surrogateArgmax(model, test.features, t, test.dim);
  });
  return { targets, outside };
}

/**
 * DualDA explanations of test rows (core `explain`), with the training rows' texts and labels
 * attached. Targets follow the reference: argmax of the network's logits (dualda.md §1.6). For a
 * candidate-set model (`classIds`) training and test labels are store classes and are named by the
 * store; a network prediction outside the set is reported (`outsideCandidates`).
 */
export async function explainTests(model: DualDAModel, test: TestInputs, train: ZarrFeatureStore, topK: number): Promise<ExplainedPrediction[]> {
  const K = model.classNames.length;
  const ids = model.classIds;
  const candidate = ids === undefined ? undefined : candidateTargets(model, ids, test);
  const useModel = ids === undefined ? test.logits !== null && test.classes === K : candidate !== undefined;
  const targets = ids === undefined ? (useModel ? argmaxRows(test.logits!, test.rows, K) : undefined) : candidate?.targets;
  const result = explain(model, { data: test.features, shape: [test.rows, test.dim] }, { topK, ...(targets === undefined ? {} : { targets }) });
  const wanted = new Set<number>();
  for (const r of result.rows) for (const a of [...r.proponents, ...r.opponents]) wanted.add(a.index);
  const indices = [...wanted].sort((a, b) => a - b);
  const texts = train.hasTexts && indices.length > 0 ? await train.gatherTexts(indices) : indices.map(() => '');
  const labels = await train.readLabels();
  const textOf = new Map(indices.map((i, j) => [i, texts[j]!]));
  const name = (k: number): string => model.classNames[k] ?? String(k);
  // Labels are store classes: the model's own for an ordinary fit, the store's names for a candidate set.
  const storeNames = train.manifest.classNames;
  const labelName = (c: number): string => (ids === undefined ? name(c) : (storeNames[c] ?? String(c)));
  const decorate = (a: { index: number; id: string; score: number }): ExplainedTrainRow => ({ ...a, label: labels[a.index]!, labelName: labelName(labels[a.index]!), text: textOf.get(a.index) ?? '' });
  return result.rows.map((r, t) => ({
    id: test.ids[t]!,
    text: test.texts[t] ?? '',
    ...(test.contexts === undefined ? {} : { context: test.contexts[t] ?? '' }),
    label: test.labels[t] ?? -1,
    labelName: (test.labels[t] ?? -1) >= 0 ? labelName(test.labels[t]!) : '',
    predicted: r.target,
    predictedName: name(r.target),
    predictedBy: useModel && candidate?.outside[t] === undefined ? 'model' : 'surrogate',
    ...(candidate?.outside[t] === undefined ? {} : { outsideCandidates: { classId: candidate.outside[t], name: storeNames[candidate.outside[t]] ?? String(candidate.outside[t]) } }),
    rowSum: r.rowSum,
    proponents: r.proponents.map(decorate),
    opponents: r.opponents.map(decorate),
  }));
}
