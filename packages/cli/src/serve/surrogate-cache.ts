/**
 * Support vectors held in memory: their features, norms, labels and self-influence. At 1M training
 * rows this is the only feature data the server keeps; everything else is read by row on demand.
 */
import { DualxdaError, type DualDAModel } from '@dualxda/core';
import type { SurrogateModel, TrainSource } from './types.js';

/** Cached support-vector data. */
export interface SupportVectorCache {
  count: number;
  dim: number;
  classes: number;
  /** Training row of each support vector, ascending. */
  indices: Int32Array;
  /** nSV x K alpha in the order of `indices`. */
  alpha: Float64Array;
  /** nSV x dim row-major. */
  features: Float32Array;
  labels: Int32Array;
  /** ||x_i||^2 * alpha[i, y_i] (shared/reference/dualda.md 1.7). */
  selfInfluence: Float64Array;
  /** Number of support vectors per (training) label. */
  perClass: number[];
  /** Stable ids of the support vectors. */
  ids: string[];
  /** Text snippets of the support vectors, so test -> top-k needs no training-store read. */
  snippets: string[];
  /** The same support vectors as a core `DualDAModel` (sorted rows, primal weights), for `explain`. */
  model: DualDAModel;
}

/** Characters of each cached support-vector text (bounds memory at ~5 MB per 20,000 SVs). */
export const SV_SNIPPET_CHARS = 240;

/** Gathers the support-vector rows of `train` and validates the model against the store. */
export async function loadSupportVectors(train: TrainSource, model: SurrogateModel, trainLabels: Int32Array): Promise<SupportVectorCache> {
  const { svAlpha } = model;
  const classes = model.classNames.length;
  const count = model.svIndices.length;
  const rows = train.store.rows;
  if (svAlpha.length !== count * classes) {
    throw new DualxdaError('ModelLoadError', `model: alpha has ${svAlpha.length} values, expected nSV x K = ${count} x ${classes}`);
  }
  // Sort by row so lookups are a binary search and gathers read chunks in order.
  const order = Array.from({ length: count }, (_, j) => j).sort((a, b) => model.svIndices[a] - model.svIndices[b]);
  const indices = new Int32Array(count);
  const alpha = new Float64Array(count * classes);
  for (let j = 0; j < count; j++) {
    const src = order[j];
    const r = model.svIndices[src];
    if (!(r >= 0 && r < rows)) throw new DualxdaError('ModelLoadError', `model: support vector ${src} points at row ${r}, outside the training store (${rows} rows)`);
    if (j > 0 && indices[j - 1] === r) throw new DualxdaError('ModelLoadError', `model: training row ${r} appears twice among the support vectors`);
    indices[j] = r;
    for (let m = 0; m < classes; m++) alpha[j * classes + m] = svAlpha[src * classes + m];
  }
  const dim = train.store.dim;
  const { features, norms, ids } = await svFeatures(train, model, order, indices, dim);
  // One pass over the text chunks at start-up, in row order, instead of a chunk decode per request.
  const snippets = (count === 0 ? [] : await train.readTexts(Array.from(indices))).map((t) => (t.length <= SV_SNIPPET_CHARS ? t : `${t.slice(0, SV_SNIPPET_CHARS - 1)}…`));
  const labels = new Int32Array(count);
  for (let j = 0; j < count; j++) labels[j] = trainLabels[indices[j]];
  const selfInfluence = new Float64Array(count);
  const perClass = new Array<number>(classes).fill(0);
  for (let j = 0; j < count; j++) {
    const y = labels[j];
    const norm = norms[j];
    selfInfluence[j] = norm * norm * (y >= 0 && y < classes ? alpha[j * classes + y] : 0);
    if (y >= 0 && y < classes) perClass[y] += 1;
  }
  const core: DualDAModel = {
    svIndices: indices,
    svIds: ids,
    svAlpha: alpha,
    svFeatures: features,
    svNorms: norms,
    weights: primalWeights(alpha, features, count, classes, dim),
    bias: model.bias === undefined ? new Float64Array(classes) : Float64Array.from(model.bias),
    C: model.C,
    classNames: model.classNames,
    diagnostics: {},
    modelHash: train.store.manifest.modelHash,
    datasetRevision: train.store.manifest.datasetRevision,
  };
  return { count, dim, classes, indices, alpha, features, labels, selfInfluence, perClass, ids, snippets, model: core };
}

/** weights[m] = sum_j alpha[j, m] x_j (dualda.md 1.5), K x d; computed once at start-up. */
function primalWeights(alpha: Float64Array, features: Float32Array, count: number, K: number, dim: number): Float64Array {
  const w = new Float64Array(K * dim);
  for (let j = 0; j < count; j++) {
    for (let m = 0; m < K; m++) {
      const a = alpha[j * K + m];
      if (a === 0) continue;
      for (let i = 0; i < dim; i++) w[m * dim + i] += a * features[j * dim + i];
    }
  }
  return w;
}

/** Position of training row `row` among the support vectors, or -1 (binary search; indices ascend). */
export function svPosition(svIndices: Int32Array, row: number): number {
  let lo = 0;
  let hi = svIndices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = svIndices[mid];
    if (v === row) return mid;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Features and norms of the sorted support vectors: from the model when it carries them, else gathered. */
async function svFeatures(train: TrainSource, model: SurrogateModel, order: number[], indices: Int32Array, dim: number): Promise<{ features: Float32Array; norms: Float32Array; ids: string[] }> {
  const count = indices.length;
  const f = model.svFeatures;
  if (f !== undefined && model.svNorms !== undefined) {
    if (f.length !== count * dim) throw new DualxdaError('ModelLoadError', `model: svFeatures has ${f.length} values, expected nSV x d = ${count} x ${dim} (was the model fitted on this store?)`);
    const features = new Float32Array(count * dim);
    const norms = new Float32Array(count);
    const ids = new Array<string>(count);
    for (let j = 0; j < count; j++) {
      const src = order[j];
      features.set(f.subarray(src * dim, (src + 1) * dim), j * dim);
      norms[j] = model.svNorms[src];
      ids[j] = model.svIds?.[src] ?? String(indices[j]);
    }
    if (model.svIds === undefined && count > 0) return { features, norms, ids: (await train.store.gatherRows(indices)).ids };
    return { features, norms, ids };
  }
  if (count === 0) return { features: new Float32Array(0), norms: new Float32Array(0), ids: [] };
  const block = await train.store.gatherRows(indices);
  return { features: block.features, norms: block.norms, ids: block.ids };
}
