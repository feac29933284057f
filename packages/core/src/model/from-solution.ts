/**
 * Builds a `DualDAModel` from a solver result and the feature store it was fitted on: gathers the
 * support vectors' features, ids and norms so the model is self-contained for `explain`.
 * Takes the solver's fields structurally (core cannot import @dualxda/solver).
 */
import type { FeatureStoreReader } from '../store/types.js';
import { DualDAModelError, validateDualDAModel, type DualDAModel, type JsonValue } from './types.js';

/** The part of a solver result this needs (same field names as @dualxda/solver). */
export interface DualDASolution {
  svIndices: Int32Array;
  /** nSV × K row-major. */
  svAlpha: Float64Array;
  /** K × d row-major. */
  weights: Float64Array;
  bias: Float64Array;
  C: number;
  diagnostics?: { [key: string]: JsonValue };
}

/**
 * @example
 * const model = await createDualDAModel(await openFeatureStore('features.zarr'), solution);
 * await saveDualDAModel('features.zarr', model);
 */
export async function createDualDAModel(store: FeatureStoreReader, solution: DualDASolution): Promise<DualDAModel> {
  const { svIndices } = solution;
  const K = store.manifest.classNames.length;
  if (solution.weights.length !== K * store.dim) {
    throw new DualDAModelError('weights', `length ${solution.weights.length}, expected K × dim = ${K} × ${store.dim} (K from the store's classNames)`);
  }
  for (let j = 0; j < svIndices.length; j++) {
    const i = svIndices[j] as number;
    if (i < 0 || i >= store.rows) throw new DualDAModelError('svIndices', `entry ${j} = ${i} is outside the store's 0..${store.rows - 1}`);
    if (j > 0 && i <= (svIndices[j - 1] as number)) throw new DualDAModelError('svIndices', `must be strictly ascending (entry ${j} = ${i})`);
  }
  const block = await store.gatherRows(svIndices);
  if (block.dim !== store.dim || block.rows !== svIndices.length) {
    throw new DualDAModelError('svFeatures', `store returned ${block.rows} × ${block.dim}, expected ${svIndices.length} × ${store.dim}`);
  }
  const { manifest } = store;
  const model: DualDAModel = {
    svIndices: Int32Array.from(svIndices),
    svIds: block.ids,
    svAlpha: solution.svAlpha,
    svFeatures: block.features,
    svNorms: block.norms,
    weights: solution.weights,
    bias: solution.bias,
    C: solution.C,
    classNames: manifest.classNames,
    diagnostics: solution.diagnostics ?? {},
    modelHash: manifest.modelHash,
    datasetRevision: manifest.datasetRevision,
  };
  validateDualDAModel(model);
  return model;
}
