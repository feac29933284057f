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
