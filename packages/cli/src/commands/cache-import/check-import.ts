/**
 * Checks of a `cache import` before anything is written: a degenerate input (no rows, duplicate
 * ids, NaN/Inf features, values the storage dtype cannot hold) is an error naming the file, row
 * and column, and leaves no store behind.
 */
import type { FeatureSource } from '@dualxda/core';
import { InputError, UsageError } from '../../errors.js';

/** Largest finite float16 magnitude after rounding (65504; from 65520 on it rounds to Infinity). */
const FLOAT16_OVERFLOW = 65520;

/** Rows per read of the feature scan (the writer's chunk size, so the scan streams like the import). */
const SCAN_ROWS = 4096;

/**
 * The first id that occurs twice and the rows of its first two occurrences, or `undefined`.
 * Sorts a typed copy (8 bytes per row, native sort), then finds the rows by one scan.
 *
 * @example
 * findDuplicateId([5, 6, 5]); // { id: '5', first: 0, second: 2 }
 */
export function findDuplicateId(ids: ArrayLike<number | bigint | string>): { id: string; first: number; second: number } | undefined {
  const n = ids.length;
  if (n < 2) return undefined;
  let dup: number | bigint | string | undefined;
  const sample = ids[0];
  if (typeof sample === 'bigint') {
    const sorted = BigInt64Array.from(Array.from(ids, (v) => BigInt(v))).sort();
    for (let i = 1; i < n && dup === undefined; i++) if (sorted[i] === sorted[i - 1]) dup = sorted[i];
  } else if (typeof sample === 'number') {
    const sorted = Float64Array.from(ids as ArrayLike<number>).sort();
    for (let i = 1; i < n && dup === undefined; i++) if (sorted[i] === sorted[i - 1]) dup = sorted[i];
  } else {
    const seen = new Set<string>();
    for (let i = 0; i < n && dup === undefined; i++) {
      const s = String(ids[i]);
      if (seen.has(s)) dup = s;
      seen.add(s);
    }
  }
  if (dup === undefined) return undefined;
  const key = String(dup);
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (String(ids[i]) !== key) continue;
    if (first < 0) first = i;
    else return { id: key, first, second: i };
  }
  return undefined;
}

/** Refuses an import with no rows or with duplicate ids, naming the file. */
export function checkImportShape(source: FeatureSource, files: { features: string; ids?: string }): void {
  if (source.rows === 0) {
    throw new InputError(files.features, `has 0 rows (shape (0, ${source.dim})): nothing to import`, 'save the (n, d) feature matrix with n >= 1 rows, e.g. numpy.save("X.npy", X)');
  }
  if (source.ids !== undefined && files.ids !== undefined) {
    const dup = findDuplicateId(source.ids);
    if (dup !== undefined) {
      throw new InputError(files.ids, `id ${dup.id} occurs at rows ${dup.first} and ${dup.second}: ids must be unique (explanations, --out files and the dashboard name training rows by id)`, 'deduplicate the ids, or leave out --ids to use the row index');
    }
  }
}

/** Refuses class names that are empty or repeated (`--class-names a,,b` or `a,b,a`). */
export function parseClassNames(raw: string, flag: string): string[] {
  const names = raw.split(',').map((s) => s.trim());
  const hint = `give one non-empty, unique name per class, index = label id, e.g. ${flag} ham,spam`;
  names.forEach((name, k) => {
    if (name === '') throw new UsageError(`${flag}: name ${k + 1} of ${names.length} is empty ('${raw}')`, hint);
    const first = names.indexOf(name);
    if (first !== k) throw new UsageError(`${flag}: '${name}' is given twice (names ${first + 1} and ${k + 1})`, hint);
  });
  return names;
}

/**
 * Streams every feature once and refuses NaN, ±Inf (also a float64 beyond float32's ±3.4e38,
 * which the import narrows to Infinity) and, for `--dtype float16`, magnitudes float16 turns into
 * Infinity; the error names the file, row and column.
 */
export async function scanFeatures(source: FeatureSource, file: string, dtype: string): Promise<void> {
  const d = source.dim;
  const half = dtype === 'float16';
  for (let s = 0; s < source.rows; s += SCAN_ROWS) {
    const e = Math.min(source.rows, s + SCAN_ROWS);
    const f = await source.readFeatures(s, e);
    for (let t = 0; t < f.length; t++) {
      const v = f[t] as number;
      if (Number.isFinite(v) && !(half && Math.abs(v) >= FLOAT16_OVERFLOW)) continue;
      const where = `row ${s + Math.floor(t / d)}, column ${t % d}`;
      if (!Number.isFinite(v)) throw new InputError(file, `${where} is ${v} (NaN or infinite, or a float64 beyond float32's ±3.4e38): features must be finite`, 'fix or drop that row (e.g. numpy.nan_to_num, or X[numpy.isfinite(X).all(axis=1)] with the labels and ids filtered alike)');
      throw new InputError(file, `${where} is ${v}, beyond float16's ±65504: --dtype float16 would store Infinity`, 'use --dtype float32 (the default), or rescale the features');
    }
  }
}
