import { importFeatures, npyFeatureSource, type FeatureSource } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { checkInputFile, resolvePath } from '../../lib/inputs.js';
import type { CacheImportOptions } from './spec.js';

/**
 * Labels as 0..K-1 plus the original values when they were not already dense, and K. Loops, not
 * `Math.max(...labels)`: a spread of a data-sized array overflows the call stack (~120k rows).
 */
export function denseLabels(labels: Int32Array): { labels: Int32Array; mapping?: number[]; numClasses: number } {
  const values = [...new Set(labels)].sort((a, b) => a - b);
  if (values.every((v, k) => v === k)) return { labels, numClasses: Math.max(1, values.length) };
  const index = new Map(values.map((v, k) => [v, k]));
  return { labels: labels.map((v) => index.get(v)!), mapping: values, numClasses: values.length };
}

/** `dualxda cache import --features X.npy --labels Y.npy --out STORE`. */
export async function cacheImport(options: CacheImportOptions, ctx: RunContext): Promise<void> {
  const features = await checkInputFile(resolvePath(ctx.cwd, options.features), '--features', 'give an (n, d) float32/float64 .npy file, e.g. numpy.save("X.npy", X)');
  const labels = await checkInputFile(resolvePath(ctx.cwd, options.labels), '--labels', 'give an (n,) integer .npy file, e.g. numpy.save("y.npy", y)');
  const ids = options.ids === undefined ? undefined : await checkInputFile(resolvePath(ctx.cwd, options.ids), '--ids');
  const out = resolvePath(ctx.cwd, options.out);
  const raw = await npyFeatureSource({ features, labels, ...(ids === undefined ? {} : { ids }) });
  try {
    const dense = denseLabels(raw.labels);
    const K = dense.numClasses;
    const classNames = options.classNames ?? (dense.mapping ?? Array.from({ length: K }, (_, k) => k)).map((v) => String(v));
    if (classNames.length !== K) throw new UsageError(`--class-names has ${classNames.length} names but the labels have ${K} classes`, `give ${K} comma-separated names, index = label id`);
    const source: FeatureSource = { ...raw, labels: dense.labels, readFeatures: (s, e) => raw.readFeatures(s, e) };
    const bar = ctx.progress({ label: 'cache import', total: raw.rows, unit: 'rows' });
    const summary = await importFeatures(out, source, {
      classNames,
      tool: 'dualxda cache import',
      ...(dense.mapping === undefined ? {} : { labelMapping: dense.mapping }),
      ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
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
