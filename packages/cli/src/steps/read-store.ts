import type { FeatureStoreReader } from '@dualxda/core';
import type { RunContext } from '../context.js';
import { InterruptedError } from '../errors.js';

/** A whole store in memory (features n x d row-major). */
export interface StoreRows {
  rows: number;
  dim: number;
  features: Float32Array;
  labels: Int32Array;
  ids: string[];
  norms: Float32Array;
}

/**
 * Reads rows [0, limit) of a store into one buffer, with a progress bar. Stops with
 * InterruptedError on Ctrl-C (nothing is written, so nothing to clean up).
 */
export async function readStoreRows(store: FeatureStoreReader, ctx: RunContext, label: string, limit = store.rows): Promise<StoreRows> {
  const rows = Math.min(limit, store.rows);
  const dim = store.dim;
  const out: StoreRows = { rows, dim, features: new Float32Array(rows * dim), labels: new Int32Array(rows), ids: new Array<string>(rows), norms: new Float32Array(rows) };
  const bar = ctx.progress({ label, total: rows, unit: 'rows' });
  const chunks = Math.ceil(rows / store.chunkRows);
  for await (const block of store.iterChunks({ start: 0, end: chunks, signal: ctx.signal, reuseBuffers: true })) {
    if (ctx.signal.aborted) throw new InterruptedError('nothing was written; rerun the command');
    const start = block.start;
    const take = Math.min(block.rows, rows - start);
    out.features.set(block.features.subarray(0, take * dim), start * dim);
    out.labels.set(block.labels.subarray(0, take), start);
    out.norms.set(block.norms.subarray(0, take), start);
    for (let i = 0; i < take; i++) out.ids[start + i] = block.ids[i]!;
    bar.update(start + take);
  }
  bar.done(`${rows} rows x ${dim}`);
  return out;
}
