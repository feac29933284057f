import { parseInteger } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { UsageError } from '../../errors.js';
import { allowHostProblem } from '../../serve/host-check.js';
import { allowMismatchFlag, modelFlag, readStoreArg } from '../shared-flags.js';

/** Options of `dualxda serve`. */
export interface ServeCliOptions {
  store: string;
  test?: string;
  model?: string;
  port?: number;
  host?: string;
  allowHosts?: string[];
  /** Serve a test store of another checkpoint or class list (warning). */
  allowMismatch?: boolean;
}

/** One `--allow-host` value: a host name as the browser shows it, no wildcards. */
function parseAllowHost(raw: string, flag: string): string {
  const problem = allowHostProblem(raw);
  if (problem !== undefined) throw new UsageError(`${flag} ${problem}`, `e.g. ${flag} dash.example.com (any port) or ${flag} dash.example.com:8443; repeat it for several names`);
  return raw;
}

export const serveCommand = defineCommand<ServeCliOptions>({
  name: 'serve',
  summary: 'Open the dashboard on a fitted store (local web server)',
  usage: 'serve STORE [--test TESTSTORE] [--model DIR] [--port N] [--host 127.0.0.1] [--allow-host NAME]',
  options: {
    store: readStoreArg,
    test: { flag: 'test', kind: 'string', valueName: 'STORE', description: 'test store directory or http(s) URL (default: from STORE/dualxda-run.json)' },
    model: { ...modelFlag, description: 'checkpoint directory for the heatmaps and the explain-a-text box (default: from STORE/dualxda-run.json; without one both are hidden)' },
    allowMismatch: allowMismatchFlag,
    port: { flag: 'port', short: 'p', kind: 'string', valueName: 'N', description: 'port (0 = any free port)', parse: (r, w) => parseInteger(r, w, 0) },
    host: { flag: 'host', kind: 'string', valueName: 'HOST', description: 'interface to bind (default 127.0.0.1; 0.0.0.0 exposes it)' },
    allowHosts: {
      flag: 'allow-host',
      kind: 'repeat',
      valueName: 'NAME',
      description: 'also answer requests whose Host is NAME (any port) or NAME:PORT, e.g. behind a reverse proxy (repeatable; DNS-rebinding protection)',
      parse: parseAllowHost,
    },
  },
  required: ['store'],
  examples: ['dualxda serve .dualxda/demo/train', 'dualxda serve runs/train --test runs/test --port 8080', 'dualxda serve http://fileserver:8000/train --test http://fileserver:8000/test'],
  load: async () => (await import('./index.js')).serve,
});
