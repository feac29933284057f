import { parseChoice, parseInteger, parseNonNegativeInteger, parsePositive } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { parseClassSet, type ClassSetSpec } from '../../steps/fit-classes.js';
import { UsageError } from '../../errors.js';
import { allowMismatchFlag, modelFlag } from '../shared-flags.js';

/** Metrics `dualxda eval` knows. */
export const EVAL_METRICS = ['sparsity', 'faithfulness', 'accuracy', 'self-influence', 'xda-deletion', 'identical-class', 'identical-subclass', 'mislabeling', 'shortcut'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/** How `xda-deletion` deletes a token: drop it from the sequence, or put the tokenizer's [PAD] in its place. */
export const DELETION_KINDS = ['remove', 'pad'] as const;
export type DeletionKind = (typeof DELETION_KINDS)[number];

/** XDA heatmap modes (docs/xda.md): relevance at the summed input embedding, or at the word embedding only. */
export const XDA_MODES = ['per-position', 'word'] as const;
export type XdaHeatmapMode = (typeof XDA_MODES)[number];

/** tfjs backends for xda-deletion: wasm is ~8x faster than the pure-JS cpu backend at 128 tokens (docs/xda.md). */
export const XDA_COMPUTE_BACKENDS = ['wasm', 'cpu'] as const;
export type XdaComputeBackend = (typeof XDA_COMPUTE_BACKENDS)[number];

/** Options of `dualxda eval`. */
export interface EvalOptions {
  /** Fitted training store; omitted, eval caches and fits `--data` with `--model` into `--out`. */
  store?: string;
  metric: EvalMetric[];
  model?: string;
  /** Test store for metrics on held-out data (accuracy, faithfulness). */
  test?: string;
  topK?: number;
  /** Corpus folder (train.jsonl, test.jsonl): what eval caches without STORE, and the rows' `corrupted`/`shortcut` flags. */
  data?: string;
  /** Where eval caches and fits `--data` when STORE is omitted. */
  out?: string;
  C?: number;
  /** Head of the stores eval caches from `--data` (token: one row per token, LM heads). */
  head?: 'sequence' | 'token';
  /** Candidate set of classes for eval's own fit of `--data` (as `dualxda fit --classes`). */
  classes?: ClassSetSpec;
  /** Test rows (seeded sample) for xda-deletion and the downstream metrics. */
  rows?: number;
  seed?: number;
  ks?: number[];
  draws?: number;
  pairs?: number;
  opponents?: boolean;
  deletion?: DeletionKind;
  xdaMode?: XdaHeatmapMode;
  xdaBackend?: XdaComputeBackend;
  shortcutClass?: string;
  /** Accept a test store of another checkpoint or class list (warning). */
  allowMismatch?: boolean;
}

function parseKs(raw: string, what: string): number[] {
  const ks = raw.split(',').map((s) => parseInteger(s.trim(), what, 1));
  if (ks.some((k, i) => i > 0 && k <= ks[i - 1]!)) throw new UsageError(`${what} must be ascending, got '${raw}'`, `e.g. ${what} 1,2,4,8,16`);
  return ks;
}

export const evalCommand = defineCommand<EvalOptions>({
  name: 'eval',
  summary: 'Evaluate a DualDA surrogate and its XDA heatmaps (sparsity, faithfulness, accuracy, self-influence, xda-deletion, identical-class/subclass, mislabeling, shortcut)',
  usage: `eval [STORE] --metric ${EVAL_METRICS.join('|')} [--metric ...] [--test STORE] [--model DIR --data DIR [--out DIR]] [--json]`,
  options: {
    store: { positional: 0, name: 'STORE', description: 'fitted feature store (from `dualxda cache` + `fit`); omit it to cache and fit --data with --model' },
    metric: { flag: 'metric', short: 'm', kind: 'repeat', valueName: 'NAME', description: `one of ${EVAL_METRICS.join(', ')} (repeatable)`, parse: parseChoice(EVAL_METRICS) },
    model: modelFlag,
    test: { flag: 'test', kind: 'string', valueName: 'STORE', description: 'test store with model logits (default: from STORE/dualxda-run.json)' },
    allowMismatch: allowMismatchFlag,
    topK: { flag: 'top-k', short: 'k', kind: 'string', valueName: 'N', description: 'self-influence: rows shown (default 10); identical-class/-subclass: top training rows per test row (default 5)', parse: (r, w) => parseInteger(r, w, 1) },
    data: { flag: 'data', kind: 'string', valueName: 'DIR', description: 'corpus folder with train.jsonl and test.jsonl: cached and fitted when STORE is omitted; mislabeling reads "corrupted", shortcut reads "shortcut" from its rows' },
    out: { flag: 'out', short: 'o', kind: 'string', valueName: 'DIR', description: 'where eval writes the stores of --data when STORE is omitted (default .dualxda/eval/<model folder name>; reused when rerun)' },
    C: { flag: 'C', kind: 'string', valueName: 'C', description: 'SVM regulariser when eval fits --data (default 1e-3, as `dualxda fit`)', parse: parsePositive },
    head: { flag: 'head', kind: 'string', valueName: 'KIND', description: 'when eval caches --data: sequence (one row per text, default) or token (one row per token; LM heads), as `dualxda cache --head`', parse: parseChoice(['sequence', 'token'] as const) },
    classes: { flag: 'classes', kind: 'string', valueName: 'SET', description: 'when eval fits --data: a declared candidate set of classes (labels | top:N | FILE), as `dualxda fit --classes`', parse: parseClassSet },
    rows: { flag: 'rows', kind: 'string', valueName: 'N', description: 'test rows, a seeded sample: xda-deletion (default 20), identical-class/-subclass and shortcut (default all)', parse: (r, w) => parseInteger(r, w, 1) },
    seed: { flag: 'seed', kind: 'string', valueName: 'N', description: 'seed of the test-row sample and of the random deletions (default 0)', parse: parseNonNegativeInteger },
    ks: { flag: 'ks', kind: 'string', valueName: 'K,K,...', description: 'xda-deletion: numbers of deleted tokens (default 1,2,4,8,16)', parse: parseKs },
    draws: { flag: 'draws', kind: 'string', valueName: 'N', description: 'xda-deletion: random deletion orders averaged per pair (default 5)', parse: (r, w) => parseInteger(r, w, 1) },
    pairs: { flag: 'pairs', kind: 'string', valueName: 'N', description: 'xda-deletion: top proponents per test row (default 1)', parse: (r, w) => parseInteger(r, w, 1) },
    opponents: { flag: 'opponents', kind: 'boolean', description: 'xda-deletion: also the top opponents (their score is negative; a drop still means it moves to 0)' },
    deletion: { flag: 'deletion', kind: 'string', valueName: 'HOW', description: 'xda-deletion: remove the tokens (default) or replace them by [PAD]', parse: parseChoice(DELETION_KINDS) },
    xdaMode: { flag: 'xda-mode', kind: 'string', valueName: 'MODE', description: 'xda-deletion: heatmap mode, per-position or word (default: the xda default, per-position)', parse: parseChoice(XDA_MODES) },
    xdaBackend: { flag: 'xda-backend', kind: 'string', valueName: 'B', description: 'xda-deletion: tfjs backend, wasm (default) or cpu', parse: parseChoice(XDA_COMPUTE_BACKENDS) },
    shortcutClass: { flag: 'shortcut-class', kind: 'string', valueName: 'NAME', description: 'shortcut: the class the shortcut was planted in (default: "class" of poison.json next to --model or --data)' },
  },
  required: ['metric'],
  validate: (o) => {
    if (o.store === undefined && (o.data === undefined || o.model === undefined)) {
      throw new UsageError('give a fitted STORE, or --model DIR and --data DIR to cache and fit a corpus', 'e.g. dualxda eval --model tools/assets/spam-bert-noisy --data tools/assets/spam-bert-noisy/corpus --metric mislabeling');
    }
  },
  examples: [
    'dualxda eval runs/train --metric sparsity --metric faithfulness',
    'dualxda eval runs/train --metric self-influence --top-k 20 --json',
    'dualxda eval .dualxda/demo/train --metric xda-deletion --rows 20 --ks 1,2,4,8,16',
    'dualxda eval .dualxda/demo/train -m identical-class -m identical-subclass',
    'dualxda eval --model tools/assets/spam-bert-noisy --data tools/assets/spam-bert-noisy/corpus -m mislabeling',
    'dualxda eval --model tools/assets/spam-bert-shortcut --data tools/assets/spam-bert-shortcut/corpus -m shortcut',
    'dualxda eval --model my-causal-lm --data corpus --head token --classes top:256 -m accuracy -m identical-class',
  ],
  notes: [
    'Metrics (docs/attribution.md, "Explanation quality"):',
    '  xda-deletion        for sampled test rows and their top proponent(s), delete the k tokens the XDA heatmap ranks',
    '                      highest (for the score\'s sign; never [CLS]/[SEP]; inputs cut to 128 tokens) vs k random',
    '                      tokens, on the test side and the train side separately, recompute alpha x <f(test), f(train)>',
    '                      with the network, and report the mean and median relative drop 1 - new/old per k and the',
    '                      area under the curves (relevance minus random > 0: the heatmap finds the tokens that matter)',
    '  identical-class     share of each test row\'s top-k training rows whose label is the predicted class',
    '  identical-subclass  share whose corpus group (the id before "/", e.g. spam-2) is the test row\'s own group',
    '  mislabeling         STORE fitted on labels with flipped rows ("corrupted": true in --data train.jsonl): AUPRC',
    '                      of the self-influence ranking for finding them',
    '  shortcut            STORE fitted on a corpus with a planted token ("shortcut": true rows in --data): mean AUPRC',
    '                      of each flipped test row\'s attributions for finding the planted training rows',
  ],
  load: async () => (await import('./index.js')).evaluate,
});
