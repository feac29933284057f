/**
 * Local DualDA attributions for a batch of test rows (dualda.md §1.6): A[t, i] = α[i, c_t]·⟨f_t, x_i⟩
 * over support vectors (every other training row has exactly 0), with top-k proponents (largest
 * positive scores) and opponents (most negative), and the identity Σ_i A[t, i] = weights[c_t]·f_t.
 */
import { InvalidOptionError, InvalidShapeError } from '../errors.js';
import { validateDualDAModel, type DualDAModel } from '../model/types.js';
import { selectGramKernel } from './gram-kernel.js';
import { explainBatchInto, surrogateArgmaxInto, type FeatureMatrixView } from './kernel.js';
import { resolveExplainOptions, type ExplainOptions, type ResolvedExplainOptions } from './options.js';
import { heapSorted } from './top-k.js';
import { createExplainWorkspace, type ExplainWorkspace } from './workspace.js';

/** Test features, B × d float32 (row-major unless `stride` says otherwise). */
export interface TestFeatures {
  data: Float32Array;
  shape: readonly number[];
  stride?: readonly number[];
}

/** One attributed training row. */
export interface Attribution {
  /** Training-row index (store row). */
  index: number;
  /** Stable training-row id. */
  id: string;
  score: number;
}

export interface ExplanationRow {
  /** Explained class c_t. */
  target: number;
  /** Σ_i A[t, i] (= weights[c_t]·f_t, the surrogate logit without intercept). */
  rowSum: number;
  /** Up to topK rows with the largest positive scores, best first. */
  proponents: Attribution[];
  /** Up to topK rows with the most negative scores, most negative first. */
  opponents: Attribution[];
}

export interface ExplainResult {
  rows: ExplanationRow[];
  targets: Int32Array;
  /** mode 'dense' only: B × nSV scores, column j = support vector j (training row svIndices[j]). */
  dense?: Float64Array;
}

/** Converts a `TestFeatures` into a checked strided view. */
export function toFeatureView(features: TestFeatures, dim: number, where = 'testFeatures'): FeatureMatrixView {
  const { shape, data } = features;
  if (shape.length !== 2 || shape[1] !== dim) throw new InvalidShapeError(`[B, ${dim}]`, `[${shape.join(', ')}]`, where);
  const rows = shape[0] as number;
  const [rowStride, colStride] = features.stride ?? [dim, 1];
  if (rows > 0 && dim > 0) {
    const last = (rows - 1) * (rowStride as number) + (dim - 1) * (colStride as number);
    if ((rowStride as number) < 0 || (colStride as number) < 0 || last >= data.length) {
      throw new InvalidShapeError(`strides within ${data.length} elements`, `stride [${String(features.stride)}]`, where);
    }
  }
  return { data, rows, dim, rowStride: rowStride as number, colStride: colStride as number, offset: 0 };
}

/**
 * Explains each test row against the model's support vectors.
 *
 * @example
 * const { rows } = explain(model, { data: f, shape: [1, d] }, { topK: 5 });
 * rows[0].proponents[0]; // { index, id, score } of the strongest supporting training row
 */
export function explain(model: DualDAModel, testFeatures: TestFeatures, options: ExplainOptions = {}): ExplainResult {
  return explainWithRunner(model, testFeatures, options, undefined);
}

/** The threaded kernel (threads.ts), passed in so that this module imports nothing Node-only. */
export type ThreadedExplainRunner = (model: DualDAModel, K: number, view: FeatureMatrixView, ws: ExplainWorkspace, dense: Float64Array | undefined, opts: ResolvedExplainOptions) => void;

/** `explain` with an optional threaded kernel for `threads` > 1 (used by `explainThreaded`). */
export function explainWithRunner(model: DualDAModel, testFeatures: TestFeatures, options: ExplainOptions, threaded: ThreadedExplainRunner | undefined): ExplainResult {
  const { nSV, K, d } = validateDualDAModel(model);
  const view = toFeatureView(testFeatures, d);
  const opts = resolveExplainOptions(options, view.rows, K);
  const ws = createExplainWorkspace(view.rows, opts.topK, opts.blockSize);
  if (opts.targets) ws.targets.set(opts.targets);
  else surrogateArgmaxInto(model, K, view, ws);
  const dense = opts.mode === 'dense' ? new Float64Array(view.rows * nSV) : undefined;
  if (opts.threads > 1 && threaded === undefined) throw new InvalidOptionError('threads', `${opts.threads} needs worker_threads: call explainThreaded (Node only) instead of explain`);
  // Threads pay off only with enough support vectors per slice (and rows to explain).
  if (threaded !== undefined && opts.threads > 1 && view.rows > 0 && nSV >= 64 * opts.threads) threaded(model, K, view, ws, dense, opts);
  else explainBatchInto(model, K, view, ws, dense, selectGramKernel(model.svFeatures, d, nSV, opts.blockSize, opts));
  const toAttr = ({ index, score }: { index: number; score: number }): Attribution => ({
    index: model.svIndices[index] as number,
    id: model.svIds[index] as string,
    score,
  });
  const rows: ExplanationRow[] = [];
  for (let t = 0; t < view.rows; t++) {
    rows.push({
      target: ws.targets[t] as number,
      rowSum: ws.rowSum[t] as number,
      proponents: heapSorted(ws.proScore, ws.proIdx, t * opts.topK, ws.proCount[t] as number, 1).map(toAttr),
      opponents: heapSorted(ws.oppScore, ws.oppIdx, t * opts.topK, ws.oppCount[t] as number, -1).map(toAttr),
    });
  }
  const result: ExplainResult = { rows, targets: ws.targets.slice(0, view.rows) };
  if (dense) result.dense = dense;
  return result;
}

/**
 * Spreads a B × nSV score matrix over all n training rows (exact zeros for non-support vectors),
 * the layout the evaluation metrics take.
 *
 * @example
 * const full = scatterToTraining(result.dense!, model.svIndices, rows, n);
 */
export function scatterToTraining(dense: Float64Array, svIndices: Int32Array, rows: number, n: number): Float64Array {
  const nSV = svIndices.length;
  if (dense.length !== rows * nSV) throw new InvalidShapeError(`[${rows}, ${nSV}]`, `${dense.length} elements`, 'scatterToTraining dense');
  const out = new Float64Array(rows * n);
  for (let j = 0; j < nSV; j++) {
    const i = svIndices[j] as number;
    if (i < 0 || i >= n) throw new InvalidShapeError(`index < ${n}`, `${i}`, `scatterToTraining svIndices[${j}]`);
    for (let t = 0; t < rows; t++) out[t * n + i] = dense[t * nSV + j] as number;
  }
  return out;
}
