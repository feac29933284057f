/**
 * The DualDA surrogate as core sees it: only the support vectors (training rows with a non-zero
 * α row) and what explain/eval need. Core cannot import @dualxda/solver (dependency direction),
 * so this mirrors the solver's result plus the support vectors' features, which lets `explain`
 * run without opening the feature store.
 */
import { DualxdaError } from '../errors.js';

/** Plain JSON value for solver diagnostics. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A solved DualDA surrogate restricted to its support vectors. */
export interface DualDAModel {
  /** Training-row index of each support vector (nSV), ascending. */
  svIndices: Int32Array;
  /** Stable training-row id of each support vector (nSV). */
  svIds: string[];
  /** Dual coefficients α[i, m], nSV × K row-major (liblinear sign convention, dualda.md §1.5). */
  svAlpha: Float64Array;
  /** Support-vector features, nSV × d row-major. */
  svFeatures: Float32Array;
  /** ‖x_i‖ of each support vector (nSV). */
  svNorms: Float32Array;
  /** Primal weights Σ_i α[i, m] x_i, K × d row-major. */
  weights: Float64Array;
  /** Primal intercept Σ_i α[i, m] (K). */
  bias: Float64Array;
  /** SVM regulariser. */
  C: number;
  /** Class names, index = class id (K). */
  classNames: string[];
  /** Solver diagnostics (iterations, objective, ...), kept verbatim. */
  diagnostics: { [key: string]: JsonValue };
  /** Hash of the model weights the features came from. */
  modelHash: string;
  /** Dataset revision the surrogate was fitted on. */
  datasetRevision: string;
  /**
   * Declared candidate set (`fit --classes`, e.g. an LM head with K = vocabulary): the store class
   * id of each model class (K, distinct, ascending). Absent: model class k is store class k.
   */
  classIds?: number[];
}

/** A DualDA model is malformed; names the offending field. */
export class DualDAModelError extends DualxdaError {
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DualDAModelError', `DualDA model field ${field}: ${message}`, options);
  }
}

/** Sizes of a model: support vectors, classes, feature dimension. */
export interface DualDAModelDims {
  nSV: number;
  K: number;
  d: number;
}

/**
 * Checks that every array of a model has consistent lengths and returns its dimensions.
 *
 * @example
 * const { nSV, K, d } = validateDualDAModel(model);
 */
export function validateDualDAModel(model: DualDAModel): DualDAModelDims {
  const K = model.classNames.length;
  const nSV = model.svIndices.length;
  if (K < 1) throw new DualDAModelError('classNames', 'needs at least one class');
  if (model.bias.length !== K) throw new DualDAModelError('bias', `length ${model.bias.length}, expected K = ${K}`);
  if (model.weights.length % K !== 0) throw new DualDAModelError('weights', `length ${model.weights.length} is not a multiple of K = ${K}`);
  const d = model.weights.length / K;
  const expect = (field: string, got: number, want: number, what: string): void => {
    if (got !== want) throw new DualDAModelError(field, `length ${got}, expected ${what} = ${want}`);
  };
  expect('svIds', model.svIds.length, nSV, 'nSV');
  expect('svAlpha', model.svAlpha.length, nSV * K, 'nSV*K');
  expect('svFeatures', model.svFeatures.length, nSV * d, 'nSV*d');
  expect('svNorms', model.svNorms.length, nSV, 'nSV');
  if (!(model.C > 0)) throw new DualDAModelError('C', `must be > 0, got ${model.C}`);
  const ids = model.classIds;
  if (ids !== undefined) {
    expect('classIds', ids.length, K, 'K');
    if (!ids.every((c, k) => Number.isInteger(c) && c >= 0 && (k === 0 || c > (ids[k - 1] as number)))) {
      throw new DualDAModelError('classIds', 'must be ascending, distinct, non-negative integers');
    }
  }
  return { nSV, K, d };
}
