import { parseInteger } from '../../cli-options.js';
import { UsageError } from '../../errors.js';
import { defineCommand } from '../../command-spec.js';
import { allowMismatchFlag, modelFlag, readStoreArg, topKFlag } from '../shared-flags.js';

/** Options of `dualxda explain`. */
export interface ExplainCliOptions {
  store: string;
  model?: string;
  /** Texts to classify and explain (repeatable). */
  text?: string[];
  /** Test inputs: a test feature store directory, or a .jsonl/.parquet corpus file. */
  test?: string;
  /** Explain only the first N test rows. */
  limit?: number;
  topK?: number;
  /** Write all explanations to FILE.jsonl or FILE.parquet. */
  out?: string;
  /** Accept test rows from another checkpoint or class list (warning). */
  allowMismatch?: boolean;
}

export const explainCommand = defineCommand<ExplainCliOptions>({
  name: 'explain',
  summary: 'Show the training examples that most support / oppose each prediction (DualDA)',
  usage: 'explain STORE (--text "..." | --test FILE|STORE) [--model DIR] [--top-k N] [--out FILE.jsonl|.parquet] [--json]',
  options: {
    store: readStoreArg,
    model: modelFlag,
    text: { flag: 'text', short: 't', kind: 'repeat', valueName: 'TEXT', description: 'a text to classify and explain (repeat for several)' },
    test: { flag: 'test', kind: 'string', valueName: 'FILE|STORE', description: 'test corpus (.jsonl/.parquet) or test store (from `dualxda cache`; a store may be an http(s) URL)' },
    limit: { flag: 'limit', kind: 'string', valueName: 'N', description: 'explain only the first N test rows', parse: (r, w) => parseInteger(r, w, 1) },
    topK: topKFlag,
    allowMismatch: allowMismatchFlag,
    out: { flag: 'out', short: 'o', kind: 'string', valueName: 'FILE', description: 'write explanations to FILE.jsonl or FILE.parquet' },
  },
  required: ['store'],
  validate: (o) => {
    if ((o.text === undefined) === (o.test === undefined)) throw new UsageError('give exactly one of --text or --test', 'e.g. dualxda explain runs/train --text "win a free prize"');
    if (o.out !== undefined && !/\.(jsonl|parquet)$/i.test(o.out)) throw new UsageError(`--out ${o.out}: unsupported extension`, 'use a .jsonl or .parquet file name');
  },
  examples: [
    'dualxda explain runs/train --text "WIN a FREE cruise, reply now"',
    'dualxda explain runs/train --test runs/test --top-k 3 --out explanations.parquet',
    'dualxda explain runs/train --test corpus/test.jsonl --limit 20 --json',
    'dualxda explain http://fileserver:8000/train --test http://fileserver:8000/test --json',
  ],
  load: async () => (await import('./index.js')).explainCommandRunner,
});
