/**
 * Class spaces of a candidate-set model (`fit --classes`, docs/solver.md "A declared candidate set
 * of classes"): α, the weights and every prediction are indexed by the candidate index k, while
 * store labels (training and test) are store classes (for an LM head: vocabulary ids), store class
 * `classIds[k]`. An ordinary fit has one space for both. `eval` and `serve` convert with these.
 */
import type { DualDAModel } from '@dualxda/core';

/** What the conversions need of a model. */
export type CandidateModel = Pick<DualDAModel, 'classNames' | 'classIds'>;

/**
 * Store class of each model class: `classIds` of a candidate-set model, the identity otherwise.
 *
 * @example
 * storeClasses({ classNames: ['a', 'b'], classIds: [3, 7] }); // Int32Array [3, 7]
 */
export function storeClasses(model: CandidateModel): Int32Array {
  return model.classIds === undefined ? Int32Array.from(model.classNames, (_, k) => k) : Int32Array.from(model.classIds);
}

/**
 * Model class (candidate index) of a store class, -1 when the class is outside the candidate set.
 *
 * @example
 * const toModel = modelClassOf({ classNames: ['a', 'b'], classIds: [3, 7] });
 * toModel(7); // 1
 * toModel(4); // -1
 */
export function modelClassOf(model: CandidateModel): (storeClass: number) => number {
  if (model.classIds === undefined) {
    const K = model.classNames.length;
    return (c) => (c >= 0 && c < K ? c : -1);
  }
  const index = new Map(model.classIds.map((c, k) => [c, k]));
  return (c) => index.get(c) ?? -1;
}
