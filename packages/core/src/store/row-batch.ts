import { InvalidInputError } from './errors.js';
import type { BuildSpec } from './layout.js';
import type { RowBatch } from './types.js';

/**
 * Checks one batch against the build before any byte is buffered: lengths, finite features,
 * integer labels in range, ids present. `firstRow` is the store row of the batch's first row, so
 * errors name the global row index. Returns the batch's row count.
 */
export function validateBatch(spec: BuildSpec, batch: RowBatch, firstRow: number, source: string): number {
  const n = batch.labels.length;
  const d = spec.dim;
  if (!(batch.features instanceof Float32Array)) throw new InvalidInputError(source, 'features', 'must be a Float32Array');
  if (batch.features.length !== n * d) {
    throw new InvalidInputError(source, 'features', `length ${batch.features.length} is not rows (${n}, from labels) x dim (${d})`);
  }
  if (batch.ids.length !== n) throw new InvalidInputError(source, 'ids', `length ${batch.ids.length} does not match ${n} labels`);
  checkOptional(source, 'tokenOffsets', batch.tokenOffsets, spec.tokenOffsets, 2 * n, n);
  checkOptional(source, 'texts', batch.texts, spec.texts, n, n);
  checkOptional(source, 'logits', batch.logits, spec.logitsDim > 0, n * spec.logitsDim, n);
  const f = batch.features;
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i])) {
      throw new InvalidInputError(source, 'features', `${String(f[i])} at column ${i % d} (NaN/Inf features are rejected)`, firstRow + Math.floor(i / d));
    }
  }
  const k = spec.classNames.length;
  for (let i = 0; i < n; i++) {
    const y = batch.labels[i];
    if (!Number.isInteger(y) || y < (k > 0 ? 0 : -(2 ** 31)) || y > (k > 0 ? k - 1 : 2 ** 31 - 1)) {
      throw new InvalidInputError(source, 'labels', `${String(y)} is not an integer label${k > 0 ? ` in [0, ${k})` : ''}`, firstRow + i);
    }
    const id = batch.ids[i];
    const okId = typeof id === 'bigint' || (typeof id === 'number' && Number.isFinite(id)) || typeof id === 'string';
    if (!okId) throw new InvalidInputError(source, 'ids', `${String(id)} is not a string, finite number or bigint`, firstRow + i);
  }
  return n;
}

function checkOptional(source: string, field: string, value: ArrayLike<unknown> | undefined, wanted: boolean, length: number, n: number): void {
  if (!wanted) {
    if (value !== undefined) throw new InvalidInputError(source, field, 'given, but the store was created without it');
    return;
  }
  if (value === undefined) throw new InvalidInputError(source, field, 'missing; the store was created with it');
  if (value.length !== length) throw new InvalidInputError(source, field, `length ${value.length} does not match ${n} rows (expected ${length})`);
}
