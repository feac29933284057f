import { parseInteger, parsePositive } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';

/** Options of `dualxda demo`. */
export interface DemoOptions {
  /** Output directory (default .dualxda/demo). */
  out?: string;
  /** Checkpoint (default: the embedded spam-bert). */
  model?: string;
  /** Corpus directory with train.jsonl and test.jsonl (default: the embedded corpus). */
  data?: string;
  C?: number;
  /** Use only the first N training rows. */
  limit?: number;
  /** Test rows to explain. */
  testLimit?: number;
  /** Test examples to show with XDA heatmaps. */
  examples?: number;
  topK?: number;
}

export const demoCommand = defineCommand<DemoOptions>({
  name: 'demo',
  summary: 'Run the whole pipeline (cache, fit, explain, XDA) on the embedded spam model and corpus',
  usage: 'demo [--out DIR] [--quiet]',
  options: {
    out: { flag: 'out', short: 'o', kind: 'string', valueName: 'DIR', description: 'output directory (default .dualxda/demo); rerunning resumes' },
    model: { flag: 'model', kind: 'string', valueName: 'DIR', description: 'checkpoint (default: the embedded spam-bert)' },
    data: { flag: 'data', kind: 'string', valueName: 'DIR', description: 'directory with train.jsonl and test.jsonl (default: the embedded corpus)' },
    C: { flag: 'C', kind: 'string', valueName: 'C', description: 'SVM regulariser (default 1e-3)', parse: parsePositive },
    limit: { flag: 'limit', kind: 'string', valueName: 'N', description: 'use only the first N training texts', parse: (r, w) => parseInteger(r, w, 2) },
    testLimit: { flag: 'test-limit', kind: 'string', valueName: 'N', description: 'use only the first N test texts (default: all)', parse: (r, w) => parseInteger(r, w, 1) },
    examples: { flag: 'examples', kind: 'string', valueName: 'N', description: 'test examples shown with XDA heatmaps (default 3)', parse: (r, w) => parseInteger(r, w, 1) },
    topK: { flag: 'top-k', short: 'k', kind: 'string', valueName: 'N', description: 'proponents/opponents shown (default 3)', parse: (r, w) => parseInteger(r, w, 1) },
  },
  required: [],
  examples: ['dualxda demo', 'npm start', 'dualxda demo --out /tmp/demo --quiet'],
  load: async () => (await import('./index.js')).demo,
});
