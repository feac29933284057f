import type { RowRange } from './errors.js';
import { finalizeFeatureStore } from './finalize.js';
import type { StoreTarget } from './store-io.js';
import type { FeatureStoreManifest, RowBatch } from './types.js';
import type { FeatureStoreWriteSummary } from './writer.js';
import { createFeatureStoreWriter } from './writer.js';
import type { FeatureStoreWriterOptions } from './writer-options.js';

/** Options of `buildFeatureStore`: the writer's, plus what happens after the last row. */
export interface BuildFeatureStoreOptions extends FeatureStoreWriterOptions {
  /** Finalize when this is a complete single-shard build (sharded builds finalize once, separately). @default true */
  finalize?: boolean;
  /** Manifest timestamp (see finalizeFeatureStore). */
  createdAt?: string;
}

/**
 * One call for a whole (or one shard's) build: `produce(range)` is asked only for the row ranges
 * this shard still misses, so a restarted worker recomputes nothing that is already on disk.
 *
 * @example
 * // worker i of N (Kubernetes JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, GNU parallel {%})
 * await buildFeatureStore('feats.zarr', { rows, dim, shard: { index: i, count: N } }, (r) => embedRows(r.start, r.end));
 * // afterwards, once: await finalizeFeatureStore('feats.zarr');
 */
export async function buildFeatureStore(
  target: StoreTarget,
  options: BuildFeatureStoreOptions,
  produce: (range: RowRange) => AsyncIterable<RowBatch> | Iterable<RowBatch>,
): Promise<FeatureStoreWriteSummary & { manifest?: FeatureStoreManifest }> {
  const { finalize, createdAt, ...writerOptions } = options;
  const writer = await createFeatureStoreWriter(target, writerOptions);
  for (const range of writer.missingRanges()) {
    writer.seek(range.start);
    await writer.write(produce(range));
    if (writer.cursor !== range.end) throw new Error(`${writer.path}: produce(${range.start}, ${range.end}) stopped at row ${writer.cursor}`);
  }
  const summary = await writer.close();
  if (summary.complete && (writerOptions.shard?.count ?? 1) === 1 && finalize !== false) {
    return { ...summary, manifest: await finalizeFeatureStore(target, { createdAt }) };
  }
  return summary;
}
