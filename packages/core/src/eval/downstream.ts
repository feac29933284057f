/**
 * Downstream-evaluation metrics of quanda as used by DualXDA (dualda.md §3.1, §3.2, §3.7). All take
 * dense explanations over the n training rows (`scatterToTraining` turns explain output into that).
 */
import { InvalidOptionError, InvalidShapeError } from '../errors.js';
import { matrixDims, topIndices, type ScoreMatrix } from './stats.js';

export interface AgreementResult {
  /** Mean of `perRow` over the kept rows (NaN if none). */
  score: number;
  /** Fraction of the row's top-k training rows whose label matches (NaN for rows filtered out). */
  perRow: Float64Array;
}

export interface TopKAgreementOptions {
  /** Training rows per test row: 5 in the DualXDA wrappers, 1 in upstream quanda. @default 5 */
  k?: number;
  /** Test rows to keep (upstream quanda's optional prediction filter); default all. */
  keep?: ArrayLike<boolean>;
}

export const DEFAULT_TOP_K_AGREEMENT_OPTIONS = { k: 5 } as const;

function topKAgreement(expl: ScoreMatrix, trainLabels: ArrayLike<number>, testLabels: ArrayLike<number>, options: TopKAgreementOptions, name: string): AgreementResult {
  const [rows, n] = matrixDims(expl, `${name} explanations`);
  const k = options.k ?? DEFAULT_TOP_K_AGREEMENT_OPTIONS.k;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new InvalidOptionError('k', `must be an integer in 1..${n}, got ${k}`);
  if (trainLabels.length !== n) throw new InvalidShapeError(`[${n}]`, `[${trainLabels.length}]`, `${name} training labels`);
  if (testLabels.length !== rows) throw new InvalidShapeError(`[${rows}]`, `[${testLabels.length}]`, `${name} test labels/targets`);
  const perRow = new Float64Array(rows);
  let sum = 0, kept = 0;
  for (let t = 0; t < rows; t++) {
    if (options.keep !== undefined && !options.keep[t]) {
      perRow[t] = NaN;
      continue;
    }
    let hits = 0;
    for (const i of topIndices(expl.data, t * n, n, k)) if (trainLabels[i] === testLabels[t]) hits++;
    perRow[t] = hits / k;
    sum += hits / k;
    kept++;
  }
  return { score: kept === 0 ? NaN : sum / kept, perRow };
}

/**
 * Identical class: fraction of the top-k training rows whose label equals the explained class
 * (the model's prediction).
 *
 * @example
 * identicalClass({ data: scores, shape: [B, n] }, trainLabels, targets).score;
 */
export function identicalClass(explanations: ScoreMatrix, trainLabels: ArrayLike<number>, targets: ArrayLike<number>, options: TopKAgreementOptions = {}): AgreementResult {
  return topKAgreement(explanations, trainLabels, targets, options, 'identicalClass');
}

/**
 * Identical subclass: explanations of a model trained on super-classes; fraction of the top-k
 * training rows whose ORIGINAL fine label equals the test row's true fine label.
 *
 * @example
 * identicalSubclass({ data: scores, shape: [B, n] }, trainFine, testFine).score;
 */
export function identicalSubclass(explanations: ScoreMatrix, trainSubclasses: ArrayLike<number>, testSubclasses: ArrayLike<number>, options: TopKAgreementOptions = {}): AgreementResult {
  return topKAgreement(explanations, trainSubclasses, testSubclasses, options, 'identicalSubclass');
}

/**
 * Top-k cardinality (upstream quanda): |unique top-k training rows over all test rows| / (B·k).
 *
 * @example
 * topKCardinality({ data: scores, shape: [B, n] }, { k: 1 });
 */
export function topKCardinality(explanations: ScoreMatrix, options: { k?: number } = {}): number {
  const [rows, n] = matrixDims(explanations, 'topKCardinality explanations');
  const k = options.k ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new InvalidOptionError('k', `must be an integer in 1..${n}, got ${k}`);
  const seen = new Set<number>();
  for (let t = 0; t < rows; t++) for (const i of topIndices(explanations.data, t * n, n, k)) seen.add(i);
  return seen.size / (rows * k);
}
