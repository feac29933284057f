import { finalizeFeatureStore } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError } from '../../errors.js';
import { isDirectory, resolvePath } from '../../lib/inputs.js';
import type { CacheFinalizeOptions } from './spec.js';

/** `dualxda cache finalize STORE`: verifies all shards and writes the manifest. */
export async function cacheFinalize(options: CacheFinalizeOptions, ctx: RunContext): Promise<void> {
  const store = resolvePath(ctx.cwd, options.store);
  if (!(await isDirectory(store))) throw new InputError(store, 'STORE does not exist', 'pass the directory given to `dualxda cache --out` (run the `cache --shard i/N` jobs first)');
  ctx.log(`cache finalize: verifying chunk checksums of ${store}`);
  const manifest = await finalizeFeatureStore(store);
  ctx.emitJson({ store, manifest });
  ctx.print(`finalized ${store}: ${manifest.rows} rows x ${manifest.dim} (${manifest.dtype}), classes ${manifest.classNames.join(', ') || '(unnamed)'}`);
}
