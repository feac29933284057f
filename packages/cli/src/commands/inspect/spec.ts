import { defineCommand } from '../../command-spec.js';
import { storeArg } from '../shared-flags.js';

/** Options of `dualxda inspect`. */
export interface InspectOptions {
  store: string;
}

export const inspectCommand = defineCommand<InspectOptions>({
  name: 'inspect',
  summary: 'Show a store manifest and, when fitted, support vectors per class and sparsity',
  usage: 'inspect STORE [--json]',
  options: { store: storeArg },
  required: ['store'],
  examples: ['dualxda inspect runs/train', 'dualxda inspect runs/train --json'],
  load: async () => (await import('./index.js')).inspect,
});
