import { parseInteger } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { modelFlag, storeArg } from '../shared-flags.js';

/** Options of `dualxda serve`. */
export interface ServeCliOptions {
  store: string;
  test?: string;
  model?: string;
  port?: number;
  host?: string;
}

export const serveCommand = defineCommand<ServeCliOptions>({
  name: 'serve',
  summary: 'Open the dashboard on a fitted store (local web server)',
  usage: 'serve STORE [--test TESTSTORE] [--model DIR] [--port N] [--host 127.0.0.1]',
  options: {
    store: storeArg,
    test: { flag: 'test', kind: 'string', valueName: 'STORE', description: 'test store (default: from STORE/dualxda-run.json)' },
    model: modelFlag,
    port: { flag: 'port', short: 'p', kind: 'string', valueName: 'N', description: 'port (0 = any free port)', parse: (r, w) => parseInteger(r, w, 0) },
    host: { flag: 'host', kind: 'string', valueName: 'HOST', description: 'interface to bind (default 127.0.0.1; 0.0.0.0 exposes it)' },
  },
  required: ['store'],
  examples: ['dualxda serve .dualxda/demo/train', 'dualxda serve runs/train --test runs/test --port 8080'],
  load: async () => (await import('./index.js')).serve,
});
