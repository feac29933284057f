import { finalizeFeatureStore, isDualxdaError, type IncompleteStoreError } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError } from '../../errors.js';
import { isDirectory, resolvePath } from '../../lib/inputs.js';
import type { CacheFinalizeOptions } from './spec.js';

/** Prints which shards hold the store back before the error itself is reported. */
function reportIncomplete(err: IncompleteStoreError, ctx: RunContext): void {
  const bad = err.shards.filter((s) => s.state !== 'complete');
  ctx.emitJson({ store: err.path, complete: false, missing: err.missing, problems: err.problems, shards: err.shards });
  if (err.shards.length === 0) return;
  ctx.print(`${bad.length} of ${err.shards.length} shards are not complete:`);
  for (const s of bad) ctx.print(`  shard ${s.index}/${s.count} rows ${s.rows.start}-${s.rows.end - 1}: ${s.detail}`);
  ctx.print(`rerun: ${bad.map((s) => `dualxda cache ... --shard ${s.index}/${s.count}`).slice(0, 3).join('; ')}${bad.length > 3 ? '; ...' : ''}`);
}

/** `dualxda cache finalize STORE`: verifies all shards and writes the manifest. */
export async function cacheFinalize(options: CacheFinalizeOptions, ctx: RunContext): Promise<void> {
  const store = resolvePath(ctx.cwd, options.store);
  if (!(await isDirectory(store))) throw new InputError(store, 'STORE does not exist', 'pass the directory given to `dualxda cache --out` (run the `cache --shard i/N` jobs first)');
  ctx.log(`cache finalize: verifying chunk checksums of ${store}`);
  let manifest;
  try {
    manifest = await finalizeFeatureStore(store, options.shards === undefined ? {} : { shards: options.shards });
  } catch (err) {
    if (isDualxdaError(err, 'IncompleteStoreError')) reportIncomplete(err as IncompleteStoreError, ctx);
    throw err;
  }
  ctx.emitJson({ store, complete: true, manifest });
  ctx.print(`finalized ${store}: ${manifest.rows} rows x ${manifest.dim} (${manifest.dtype}), classes ${manifest.classNames.join(', ') || '(unnamed)'}`);
}
