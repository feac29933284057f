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
  /** Explained class: the network's prediction when its logits are known, else the surrogate's. */
  predicted: number;
  predictedName: string;
  predictedBy: 'model' | 'surrogate';
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

/**
 * DualDA explanations of test rows (core `explain`), with the training rows' texts and labels
 * attached. Targets follow the reference: argmax of the network's logits (dualda.md §1.6).
 */
export async function explainTests(model: DualDAModel, test: TestInputs, train: ZarrFeatureStore, topK: number): Promise<ExplainedPrediction[]> {
  const K = model.classNames.length;
  const useModel = test.logits !== null && test.classes === K;
  const targets = useModel ? argmaxRows(test.logits!, test.rows, K) : undefined;
  const result = explain(model, { data: test.features, shape: [test.rows, test.dim] }, { topK, ...(targets === undefined ? {} : { targets }) });
  const wanted = new Set<number>();
  for (const r of result.rows) for (const a of [...r.proponents, ...r.opponents]) wanted.add(a.index);
  const indices = [...wanted].sort((a, b) => a - b);
  const texts = train.hasTexts && indices.length > 0 ? await train.gatherTexts(indices) : indices.map(() => '');
  const labels = await train.readLabels();
  const textOf = new Map(indices.map((i, j) => [i, texts[j]!]));
  const name = (k: number): string => model.classNames[k] ?? String(k);
  const decorate = (a: { index: number; id: string; score: number }): ExplainedTrainRow => ({ ...a, label: labels[a.index]!, labelName: name(labels[a.index]!), text: textOf.get(a.index) ?? '' });
  return result.rows.map((r, t) => ({
    id: test.ids[t]!,
    text: test.texts[t] ?? '',
    ...(test.contexts === undefined ? {} : { context: test.contexts[t] ?? '' }),
    label: test.labels[t] ?? -1,
    labelName: (test.labels[t] ?? -1) >= 0 ? name(test.labels[t]!) : '',
    predicted: r.target,
    predictedName: name(r.target),
    predictedBy: useModel ? 'model' : 'surrogate',
    rowSum: r.rowSum,
    proponents: r.proponents.map(decorate),
    opponents: r.opponents.map(decorate),
  }));
}
