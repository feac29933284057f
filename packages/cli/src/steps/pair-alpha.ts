import type { DualDAModel } from '@dualxda/core';

/** Position of training row `index` among the support vectors (-1 when it is not one). */
export function supportVectorPosition(model: DualDAModel, index: number): number {
  const sv = model.svIndices;
  let lo = 0;
  let hi = sv.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sv[mid]!;
    if (v === index) return mid;
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** α[i, c] of training row `index` for class `target` (0 for non-support vectors). */
export function alphaOf(model: DualDAModel, index: number, target: number): number {
  const s = supportVectorPosition(model, index);
  return s < 0 ? 0 : model.svAlpha[s * model.classNames.length + target]!;
}

/**
 * The α a pair's heatmaps are computed with, and what they then decompose. A training row that is
 * not a support vector has α = 0 and attribution 0: nothing to decompose. Its heatmaps are then
 * those of the kernel ⟨f_test, f_train⟩ alone (α = 1), labelled as such, in the CLI and the
 * dashboard alike (one rule, here).
 */
export function heatmapAlpha(alpha: number): { alpha: number; decomposes: 'attribution' | 'kernel' } {
  return alpha === 0 ? { alpha: 1, decomposes: 'kernel' } : { alpha, decomposes: 'attribution' };
}

/** The note shown with a pair whose α is 0 (CLI warning, `/api/xda` notes, dashboard). */
export const NOT_SUPPORT_VECTOR_NOTE =
  'not a support vector: attribution 0 (alpha = 0 for this class). The heatmaps are kernel-only: they split <f(test), f(train)> (computed with alpha = 1), i.e. what the two texts share, not a reason for the prediction';
