import { binaryAuprc, mislabelingDetection, quandaMislabelingDetection, selfInfluence, shortcutDetection, type DualDAModel } from '@dualxda/core';
import { storeClasses } from '../lib/candidate-classes.js';
import { forEachDenseBlock } from './downstream-metrics.js';
import type { TestInputs } from './test-inputs.js';

/** Mislabel detection by self-influence (dualda.md §1.7, §3.3) on a store fitted on flipped labels. */
export interface MislabelingFigures {
  trainRows: number;
  corrupted: number;
  /** Binary AUPRC of the self-influence ranking (‖x_i‖²·α[i, y_i]) with the flipped rows as positives. */
  auprc: number;
  /** AUPRC of a random ranking: the share of flipped rows. */
  randomAuprc: number;
  /** DualXDA's normalised area under the "found so far" curve (0 = worst, 1 = perfect). */
  auc: number;
  /** Upstream quanda's unnormalised score. */
  quanda: number;
  /** Share of the flipped rows among the top N_c self-influence rows. */
  precisionAtCorrupted: number;
}

/** @param corrupted 1 for each training row whose label was flipped (store order). */
export function mislabelingFigures(model: DualDAModel, trainLabels: Int32Array, corrupted: Uint8Array): MislabelingFigures {
  const n = trainLabels.length;
  const scores = selfInfluence(model, n, { labels: trainLabels });
  let nc = 0;
  for (const c of corrupted) nc += c;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let hits = 0;
  for (let q = 0; q < nc; q++) hits += corrupted[order[q]!]!;
  return {
    trainRows: n,
    corrupted: nc,
    auprc: binaryAuprc(scores, corrupted),
    randomAuprc: nc / Math.max(1, n),
    auc: mislabelingDetection(scores, corrupted).auc,
    quanda: quandaMislabelingDetection(scores, corrupted),
    precisionAtCorrupted: nc === 0 ? Number.NaN : hits / nc,
  };
}

/** Shortcut detection (dualda.md §3.4) on a store fitted on a corpus with a planted token. */
export interface ShortcutFigures {
  shortcutClass: string;
  /** Training rows with the planted token. */
  markedTrain: number;
  /** Test rows with the planted token whose true class is not the shortcut class. */
  markedTest: number;
  /** Of those, the ones the network predicts as the shortcut class: the rows the metric explains. */
  flipped: number;
  /** flipped / markedTest: how well the shortcut works. */
  flipRate: number;
  /** Mean per-row AUPRC of the attributions for finding the planted training rows (0 when none flipped). */
  score: number;
  /** AUPRC of random attributions: the share of planted training rows. */
  randomAuprc: number;
  /** Share of the flipped rows whose top-1 proponent is a planted training row. */
  top1Hit: number;
}

/**
 * @param marked 1 for planted training rows (store order)
 * @param testMarked 1 for test rows with the planted token
 */
export function shortcutFigures(model: DualDAModel, test: TestInputs, marked: Uint8Array, testMarked: Uint8Array, shortcutClass: number): ShortcutFigures {
  const n = marked.length;
  let markedTrain = 0;
  for (const m of marked) markedTrain += m;
  let markedTest = 0;
  let sum = 0;
  let kept = 0;
  let top1 = 0;
  // Test labels are store classes: a candidate-set model's class k is store class classIds[k].
  const toStore = storeClasses(model);
  const planted = toStore[shortcutClass] ?? shortcutClass;
  forEachDenseBlock(model, test, n, (scores, modelTargets, rows) => {
    // Only planted test rows count: an unplanted ham row predicted spam is an ordinary error.
    const labels = Int32Array.from(rows, (t) => (testMarked[t] === 1 ? test.labels[t]! : planted));
    for (const t of rows) if (testMarked[t] === 1 && test.labels[t] !== planted) markedTest++;
    const blockTargets = Int32Array.from(modelTargets, (k) => toStore[k]!);
    const r = shortcutDetection({ data: scores, shape: [rows.length, n] }, marked, { shortcutClass: planted, targets: blockTargets, testLabels: labels });
    r.perRow.forEach((ap, j) => {
      if (Number.isNaN(ap)) return;
      sum += ap;
      kept++;
      let best = 0;
      for (let i = 1; i < n; i++) if (scores[j * n + i]! > scores[j * n + best]!) best = i;
      top1 += marked[best]!;
    });
  });
  return {
    shortcutClass: model.classNames[shortcutClass] ?? String(shortcutClass),
    markedTrain,
    markedTest,
    flipped: kept,
    flipRate: markedTest === 0 ? Number.NaN : kept / markedTest,
    score: kept === 0 ? 0 : sum / kept,
    randomAuprc: markedTrain / Math.max(1, n),
    top1Hit: kept === 0 ? Number.NaN : top1 / kept,
  };
}
