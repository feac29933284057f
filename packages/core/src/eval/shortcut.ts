/**
 * Shortcut detection (dualda.md §3.4): per kept test row, the binary AUPRC of its attribution
 * scores with the marked (shortcut) training rows as positives; mean over kept rows.
 */
import { InvalidShapeError } from '../errors.js';
import { matrixDims, type ScoreMatrix } from './stats.js';

/**
 * Step-wise average precision (torcheval `binary_auprc`, sklearn `average_precision_score`):
 * thresholds at distinct scores, AP = Σ (r_k − r_{k−1})·p_k. NaN when there is no positive.
 *
 * @example
 * binaryAuprc([0.9, 0.1, 0.8], [1, 0, 0]); // 1
 */
export function binaryAuprc(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>, off = 0, len = scores.length - off): number {
  if (positives.length !== len) throw new InvalidShapeError(`[${len}]`, `[${positives.length}]`, 'binaryAuprc positives');
  const order = Array.from({ length: len }, (_, q) => q).sort((a, b) => (scores[off + b] as number) - (scores[off + a] as number));
  let totalPos = 0;
  for (let q = 0; q < len; q++) if (positives[q]) totalPos++;
  if (totalPos === 0) return NaN;
  let tp = 0, seen = 0, prevRecall = 0, ap = 0;
  for (let q = 0; q < len; q++) {
    const i = order[q] as number;
    if (positives[i]) tp++;
    seen++;
    const next = order[q + 1];
    // Only close a threshold after the last entry with this score.
    if (next !== undefined && scores[off + next] === scores[off + i]) continue;
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return ap;
}

export interface ShortcutOptions {
  /** Class the shortcut was planted in. */
  shortcutClass: number;
  /** Explained class per test row (the model prediction). */
  targets: ArrayLike<number>;
  /** True label per test row. */
  testLabels: ArrayLike<number>;
  /** Keep only rows predicted as the shortcut class. @default true */
  filterByPrediction?: boolean;
  /** Keep only rows whose true label is NOT the shortcut class. @default true */
  filterByClass?: boolean;
}

export interface ShortcutResult {
  /** Mean AUPRC over kept rows; 0 when no row is kept (as quanda). */
  score: number;
  /** AUPRC per row, NaN for rows filtered out. */
  perRow: Float64Array;
  kept: number;
}

/**
 * @example
 * shortcutDetection({ data: scores, shape: [B, n] }, markedMask, { shortcutClass: 2, targets, testLabels });
 */
export function shortcutDetection(explanations: ScoreMatrix, marked: ArrayLike<boolean | number>, options: ShortcutOptions): ShortcutResult {
  const [rows, n] = matrixDims(explanations, 'shortcutDetection explanations');
  if (marked.length !== n) throw new InvalidShapeError(`[${n}]`, `[${marked.length}]`, 'shortcutDetection marked');
  const { shortcutClass, targets, testLabels } = options;
  if (targets.length !== rows || testLabels.length !== rows) throw new InvalidShapeError(`[${rows}]`, `[${targets.length}], [${testLabels.length}]`, 'shortcutDetection targets/testLabels');
  const byPred = options.filterByPrediction ?? true;
  const byClass = options.filterByClass ?? true;
  const perRow = new Float64Array(rows).fill(NaN);
  let sum = 0, kept = 0;
  for (let t = 0; t < rows; t++) {
    if (byPred && targets[t] !== shortcutClass) continue;
    if (byClass && testLabels[t] === shortcutClass) continue;
    const ap = binaryAuprc(explanations.data, marked, t * n, n);
    perRow[t] = ap;
    sum += ap;
    kept++;
  }
  return { score: kept === 0 ? 0 : sum / kept, perRow, kept };
}
