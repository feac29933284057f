import { parseInteger } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { storeArg } from '../shared-flags.js';

/** Options of `dualxda cache finalize`. */
export interface CacheFinalizeOptions {
  store: string;
  /** Shard count to report against (default: the one the shard jobs recorded). */
  shards?: number;
}

export const cacheFinalizeCommand = defineCommand<CacheFinalizeOptions>({
  name: 'cache finalize',
  summary: 'Verify every shard of a store and write its manifest',
  usage: 'cache finalize STORE [--shards N]',
  options: {
    store: storeArg,
    shards: { flag: 'shards', kind: 'string', valueName: 'N', description: 'report shards i/N against this count (default: the count the shard jobs recorded)', parse: (r, w) => parseInteger(r, w, 1) },
  },
  required: ['store'],
  examples: ['dualxda cache finalize runs/train', 'dualxda cache finalize runs/train --shards 16   # which of 16 shards are missing, if none ever started'],
  notes: [
    'An incomplete store is not published: each shard that is not complete is listed with its rows and state',
    '(never-started, running, died, unfinished, stale), then the command exits 1. Rerun those shards and finalize again.',
  ],
  load: async () => (await import('./index.js')).cacheFinalize,
});
