import { UsageError } from '../../errors.js';
import { defineCommand } from '../../command-spec.js';
import { modelFlag, storeArg, topKFlag } from '../shared-flags.js';

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
}

export const xdaCommand = defineCommand<XdaCliOptions>({
  name: 'xda',
  summary: 'Token heatmaps (XDA) for a test/train pair: which words made this training example matter',
  usage: 'xda STORE (--test ID | --text "...") [--train ID] [--model DIR] [--top-k N] [--html FILE]',
  options: {
    store: storeArg,
    model: modelFlag,
    test: { flag: 'test', kind: 'string', valueName: 'ID', description: 'id of a row of the test store' },
    text: { flag: 'text', short: 't', kind: 'string', valueName: 'TEXT', description: 'explain this text instead of a test row' },
    testStore: { flag: 'test-store', kind: 'string', valueName: 'STORE', description: 'test store that holds --test (default: from STORE/dualxda-run.json)' },
    train: { flag: 'train', kind: 'string', valueName: 'ID', description: 'training row id (default: the top proponent)' },
    topK: topKFlag,
    html: { flag: 'html', kind: 'string', valueName: 'FILE', description: 'also write a standalone HTML page with both heatmaps' },
  },
  required: ['store'],
  validate: (o) => {
    if ((o.text === undefined) === (o.test === undefined)) throw new UsageError('give exactly one of --test ID or --text', 'e.g. dualxda xda runs/train --test 17');
  },
  examples: ['dualxda xda runs/train --text "Claim your FREE prize now" ', 'dualxda xda runs/train --test 17 --train 1203 --html pair.html'],
  load: async () => (await import('./index.js')).xda,
});
