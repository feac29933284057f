import { importFeatures, isDualxdaError, npyFeatureSource, type FeatureSource } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError, UsageError } from '../../errors.js';
import { contentRevision } from '../../lib/file-hash.js';
import { checkInputFile, resolvePath } from '../../lib/inputs.js';
import { checkImportShape, scanFeatures } from './check-import.js';
import type { CacheImportOptions } from './spec.js';

/**
 * Labels as 0..K-1 plus the original values when they were not already dense, K, and how many
 * classes occur (`present`). With `numNames` (`--class-names`), labels that already lie in
 * [0, numNames) are kept as class ids, so a split holding only some classes (a one-class test set)
 * keeps the ids of the names. Loops, not `Math.max(...labels)`: a spread of a data-sized array
 * overflows the call stack (~120k rows).
 */
export function denseLabels(labels: Int32Array, numNames?: number): { labels: Int32Array; mapping?: number[]; numClasses: number; present: number } {
  const values = [...new Set(labels)].sort((a, b) => a - b);
  const present = values.length;
  const lo = values[0] ?? 0;
  const hi = values[present - 1] ?? -1;
  if (numNames !== undefined && present > 0 && lo >= 0 && hi < numNames) return { labels, numClasses: numNames, present };
  if (values.every((v, k) => v === k)) return { labels, numClasses: Math.max(1, present), present };
  const index = new Map(values.map((v, k) => [v, k]));
  return { labels: labels.map((v) => index.get(v) ?? -1), mapping: values, numClasses: present, present };
}

/** `dualxda cache import --features X.npy --labels Y.npy --out STORE`. */
export async function cacheImport(options: CacheImportOptions, ctx: RunContext): Promise<void> {
  const features = await checkInputFile(resolvePath(ctx.cwd, options.features), '--features', 'give an (n, d) float32/float64 .npy file, e.g. numpy.save("X.npy", X)');
  const labels = await checkInputFile(resolvePath(ctx.cwd, options.labels), '--labels', 'give an (n,) integer .npy file, e.g. numpy.save("y.npy", y)');
  const ids = options.ids === undefined ? undefined : await checkInputFile(resolvePath(ctx.cwd, options.ids), '--ids');
  const out = resolvePath(ctx.cwd, options.out);
  const raw = await npyFeatureSource({ features, labels, ...(ids === undefined ? {} : { ids }) });
  try {
    // Degenerate inputs fail here, before a byte of the store is written (check-import.ts).
    checkImportShape(raw, { features, ...(ids === undefined ? {} : { ids }) });
    const dense = denseLabels(raw.labels, options.classNames?.length);
    const K = dense.numClasses;
    const classNames = options.classNames ?? (dense.mapping ?? Array.from({ length: K }, (_, k) => k)).map((v) => String(v));
    if (classNames.length !== K) throw new UsageError(`--class-names has ${classNames.length} names but the labels have ${K} classes`, `give ${K} comma-separated names, index = label id`);
    await scanFeatures(raw, features, options.dtype ?? 'float32');
    // One class is a valid test store (`explain --test`), so the import goes on; `fit` refuses it.
    if (dense.present < K && dense.present > 1) ctx.warn(`${labels}: ${K - dense.present} of the ${K} --class-names have no rows (labels are class ids into --class-names)`);
    if (dense.present < 2) ctx.warn(`${labels}: every row has the same label (${classNames[dense.labels[0] ?? 0]}): fine as a test store, but \`dualxda fit\` needs two or more classes`);
    const source: FeatureSource = { ...raw, labels: dense.labels, readFeatures: (s, e) => raw.readFeatures(s, e) };
    const datasetRevision = await contentRevision([features, labels, ...(ids === undefined ? [] : [ids])]);
    const bar = ctx.progress({ label: 'cache import', total: raw.rows, unit: 'rows' });
    const summary = await importFeatures(out, source, {
      classNames,
      datasetRevision,
      tool: 'dualxda cache import',
      ...(dense.mapping === undefined ? {} : { labelMapping: dense.mapping }),
      ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
    }).catch((err: unknown) => {
      // Same shape, other bytes: the old rows must not be kept under the new files' name.
      if (isDualxdaError(err, 'StoreFormatError') && /datasetRevision/.test(err.message)) {
        throw new InputError(out, '--out holds a store imported from other files (or other contents of them); nothing was written', 'choose another --out, or delete that store to re-import', { cause: err });
      }
      throw err;
    });
    bar.done(`${raw.rows} rows`);
    ctx.emitJson({ store: out, rows: raw.rows, dim: raw.dim, classNames, labelMapping: dense.mapping ?? null, chunksWritten: summary.chunksWritten, chunksSkipped: summary.chunksSkipped });
    ctx.print(`imported ${raw.rows} rows x ${raw.dim} features, ${K} classes (${classNames.join(', ')}) into ${out}`);
    if (dense.mapping !== undefined) ctx.print(`  labels remapped to 0..${K - 1} (original values kept in the manifest's labelMapping)`);
    ctx.print(`next: dualxda fit ${options.out}`);
  } finally {
    await raw.close?.();
  }
}
