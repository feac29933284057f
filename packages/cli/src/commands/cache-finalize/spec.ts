import { defineCommand } from '../../command-spec.js';
import { storeArg } from '../shared-flags.js';

/** Options of `dualxda cache finalize`. */
export interface CacheFinalizeOptions {
  store: string;
}

export const cacheFinalizeCommand = defineCommand<CacheFinalizeOptions>({
  name: 'cache finalize',
  summary: 'Verify every shard of a store and write its manifest',
  usage: 'cache finalize STORE',
  options: { store: storeArg },
  required: ['store'],
  examples: ['dualxda cache finalize runs/train'],
  load: async () => (await import('./index.js')).cacheFinalize,
});
