import { parseChoice } from '../../cli-options.js';
import { UsageError } from '../../errors.js';
import { defineCommand } from '../../command-spec.js';
import { allowMismatchFlag, modelFlag, storeArg, topKFlag } from '../shared-flags.js';

/** Options of `dualxda xda`. */
export interface XdaCliOptions {
  store: string;
  model?: string;
  /** Test row id (in the test store) to explain. */
  test?: string;
  /** Or a free text to explain. */
  text?: string;
  /** Test store holding `--test` (default: from STORE/dualxda-run.json). */
  testStore?: string;
  /** Training row id; default: the top proponent. */
  train?: string;
  topK?: number;
  /** Write a standalone HTML heatmap page. */
  html?: string;
  /** What a token's relevance is (@dualxda/xda `RelevanceMode`; default there: per-position). */
  mode?: 'per-position' | 'word';
  /** Accept a test store or checkpoint other than the one that built STORE (warning). */
  allowMismatch?: boolean;
}

export const xdaCommand = defineCommand<XdaCliOptions>({
  name: 'xda',
  summary: 'Token heatmaps (XDA) for a test/train pair: which words made this training example matter',
  usage: 'xda STORE (--test ID | --text "...") [--train ID] [--model DIR] [--top-k N] [--mode per-position|word] [--html FILE]',
  options: {
    store: storeArg,
    model: modelFlag,
    test: { flag: 'test', kind: 'string', valueName: 'ID', description: 'id of a row of the test store' },
    text: { flag: 'text', short: 't', kind: 'string', valueName: 'TEXT', description: 'explain this text instead of a test row' },
    testStore: { flag: 'test-store', kind: 'string', valueName: 'STORE', description: 'test store that holds --test (default: from STORE/dualxda-run.json)' },
    train: { flag: 'train', kind: 'string', valueName: 'ID', description: 'training row id (default: the top proponent)' },
    topK: topKFlag,
    html: { flag: 'html', kind: 'string', valueName: 'FILE', description: 'also write a standalone HTML page with both heatmaps' },
    allowMismatch: allowMismatchFlag,
    mode: {
      flag: 'mode', kind: 'string', valueName: 'MODE', parse: parseChoice(['per-position', 'word'] as const),
      description: 'per-position (default): a token gets the relevance of its word + position + type embedding; word: word embedding only (LXT), position embeddings count as absorbed',
    },
  },
  notes: [
    'What the heatmaps show: AttnLRP relevance of each token for the pair\'s DualDA attribution',
    'alpha[train, class] x <f(test), f(train)>, propagated back from the feature layer on each side.',
    'The tokens carry only part of that score: the rest is absorbed on the way (softmax remainder,',
    'LayerNorm beta, biases, and position/type embeddings in --mode word). Each pair prints its budget:',
    'the attribution, each side\'s token sum and its share of the attribution, absorbed per place and',
    'the residual (tokens + absorbed - attribution), with a warning when a side\'s tokens carry under',
    'half of the attribution or the opposite sign. A training row that is not a support vector has',
    'attribution 0; its heatmaps are then kernel-only (<f(test), f(train)>, alpha = 1) and labelled so.',
  ],
  required: ['store'],
  validate: (o) => {
    if ((o.text === undefined) === (o.test === undefined)) throw new UsageError('give exactly one of --test ID or --text', 'e.g. dualxda xda runs/train --test 17');
  },
  examples: ['dualxda xda runs/train --text "Claim your FREE prize now" ', 'dualxda xda runs/train --test 17 --train 1203 --html pair.html', 'dualxda xda runs/train --test 17 --mode word --json'],
  load: async () => (await import('./index.js')).xda,
});
