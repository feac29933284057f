import { parseChoice, parseInteger } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { modelFlag, storeArg } from '../shared-flags.js';

/** Metrics `dualxda eval` knows. */
export const EVAL_METRICS = ['sparsity', 'faithfulness', 'accuracy', 'self-influence'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/** Options of `dualxda eval`. */
export interface EvalOptions {
  store: string;
  metric: EvalMetric[];
  model?: string;
  /** Test store for metrics on held-out data (accuracy, faithfulness). */
  test?: string;
  topK?: number;
}

export const evalCommand = defineCommand<EvalOptions>({
  name: 'eval',
  summary: 'Evaluate a fitted DualDA surrogate (sparsity, faithfulness, accuracy, self-influence)',
  usage: `eval STORE --metric ${EVAL_METRICS.join('|')} [--metric ...] [--test STORE] [--json]`,
  options: {
    store: storeArg,
    metric: { flag: 'metric', short: 'm', kind: 'repeat', valueName: 'NAME', description: `one of ${EVAL_METRICS.join(', ')} (repeatable)`, parse: parseChoice(EVAL_METRICS) },
    model: modelFlag,
    test: { flag: 'test', kind: 'string', valueName: 'STORE', description: 'test store with model logits (default: from STORE/dualxda-run.json)' },
    topK: { flag: 'top-k', short: 'k', kind: 'string', valueName: 'N', description: 'rows shown for self-influence (default 10)', parse: (r, w) => parseInteger(r, w, 1) },
  },
  required: ['store', 'metric'],
  examples: ['dualxda eval runs/train --metric sparsity --metric faithfulness', 'dualxda eval runs/train --metric self-influence --top-k 20 --json'],
  load: async () => (await import('./index.js')).evaluate,
});
