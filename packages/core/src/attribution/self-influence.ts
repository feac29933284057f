/**
 * Self-influence scores for mislabel detection (dualda.md §1.7), over all n training rows
 * (exactly 0 for non-support vectors since their α row is 0).
 */
import { InvalidOptionError } from '../errors.js';
import { validateDualDAModel, type DualDAModel } from '../model/types.js';

/**
 * 'squared-norm': ‖x_i‖²·α[i, y_i], DualDA's `self_influences()` (the true self-attribution).
 * 'norm': ‖x_i‖·α[i, y_i], DualDA's `self_influences(only_coefs=True)` (a quirk: not α alone).
 */
export type SelfInfluenceVariant = 'squared-norm' | 'norm';

export interface SelfInfluenceOptions {
  /** @default 'squared-norm' */
  variant?: SelfInfluenceVariant;
  /**
   * Training labels y (length n). Without them α[i, y_i] is taken as the row maximum, which is the
   * same value under the Crammer–Singer constraints (α[i, y_i] ≥ 0 ≥ every other entry).
   */
  labels?: Int32Array;
}

export const DEFAULT_SELF_INFLUENCE_OPTIONS = { variant: 'squared-norm' } as const;

/**
 * @example
 * const scores = selfInfluence(model, n); // rank descending to find likely mislabelled rows
 */
export function selfInfluence(model: DualDAModel, n: number, options: SelfInfluenceOptions = {}): Float64Array {
  const { nSV, K } = validateDualDAModel(model);
  const variant = options.variant ?? DEFAULT_SELF_INFLUENCE_OPTIONS.variant;
  if (variant !== 'squared-norm' && variant !== 'norm') throw new InvalidOptionError('variant', `must be 'squared-norm' or 'norm', got ${String(variant)}`);
  const { labels } = options;
  if (labels !== undefined && labels.length !== n) throw new InvalidOptionError('labels', `length ${labels.length}, expected n = ${n}`);
  const out = new Float64Array(n);
  // A candidate-set model (`classIds`): labels are store classes, its α columns are candidate indices.
  const index = model.classIds === undefined ? null : new Map(model.classIds.map((c, k) => [c, k]));
  for (let j = 0; j < nSV; j++) {
    const i = model.svIndices[j] as number;
    if (i < 0 || i >= n) throw new InvalidOptionError('n', `support vector ${j} has training index ${i}, outside 0..${n - 1}`);
    let a: number;
    if (labels !== undefined) {
      const y = index === null ? (labels[i] as number) : (index.get(labels[i] as number) ?? -1);
      if (y < 0 || y >= K) throw new InvalidOptionError('labels', index === null ? `labels[${i}] = ${y} is outside 0..${K - 1}` : `labels[${i}] = ${labels[i]} is not one of the model's candidate classes`);
      a = model.svAlpha[j * K + y] as number;
    } else {
      a = -Infinity;
      for (let m = 0; m < K; m++) a = Math.max(a, model.svAlpha[j * K + m] as number);
    }
    const norm = model.svNorms[j] as number;
    out[i] = variant === 'squared-norm' ? norm * norm * a : norm * a;
  }
  return out;
}
