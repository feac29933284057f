import { parseChoice, parseDurationMs, parseInteger, parseNonNegativeInteger, parsePositive } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { parseClassSet, type ClassSetSpec } from '../../steps/fit-classes.js';
import { storeArg } from '../shared-flags.js';

/** Options of `dualxda fit`; unset values take the solver's documented defaults. */
export interface FitOptions {
  store: string;
  C?: number;
  tolerance?: number;
  timeBudgetMs?: number;
  threads?: number;
  maxPasses?: number;
  /** in-memory (default), block (out-of-core) or parallel. */
  mode?: 'memory' | 'block' | 'parallel';
  /** Declared candidate set of classes (labels | top:N | FILE); default: every class of the store. */
  classes?: ClassSetSpec;
}

export const fitCommand = defineCommand<FitOptions>({
  name: 'fit',
  summary: 'Fit the Crammer-Singer SVM surrogate (DualDA) on a feature store',
  usage: 'fit STORE [--C 1e-3] [--tolerance 1e-4] [--time-budget 5m] [--threads N]',
  options: {
    store: storeArg,
    C: { flag: 'C', kind: 'string', valueName: 'C', description: 'SVM regulariser, > 0 (default 1e-3, as in the paper; smaller = sparser)', parse: parsePositive },
    tolerance: { flag: 'tolerance', kind: 'string', valueName: 'EPS', description: 'stop when the max KKT violation is below EPS (solver default 1e-4)', parse: parsePositive },
    timeBudgetMs: { flag: 'time-budget', kind: 'string', valueName: 'DUR', description: 'stop after DUR (90s, 5m, 1h) with the best solution so far', parse: parseDurationMs },
    threads: { flag: 'threads', kind: 'string', valueName: 'N', description: 'worker threads of the parallel solver (0 = all cores)', parse: parseNonNegativeInteger },
    maxPasses: { flag: 'max-passes', kind: 'string', valueName: 'N', description: 'cap on outer passes', parse: (r, w) => parseInteger(r, w, 1) },
    mode: { flag: 'mode', kind: 'string', valueName: 'MODE', description: 'memory (default), block (out-of-core) or parallel', parse: parseChoice(['memory', 'block', 'parallel'] as const) },
    classes: {
      flag: 'classes',
      kind: 'string',
      valueName: 'SET',
      description: 'solve over a declared candidate set of classes (LM heads: K = vocabulary): labels (classes with training rows), top:N (the N most frequent) or FILE (class ids or names, one per line); rows labelled outside the set are dropped and counted',
      parse: parseClassSet,
    },
  },
  required: ['store'],
  examples: ['dualxda fit runs/train --C 1e-3', 'dualxda fit runs/train --C 1e-5 --time-budget 10m', 'dualxda fit runs/lm-tokens --classes top:256'],
  load: async () => (await import('./index.js')).fit,
});
