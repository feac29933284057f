import { parseInteger, type FlagSpec, type PositionalSpec } from '../cli-options.js';

/** Flag specs several commands share (one wording, one parser). */
export const storeArg: PositionalSpec<string> = { positional: 0, name: 'STORE', description: 'feature store directory (from `dualxda cache` or `cache import`)' };

export const modelFlag: FlagSpec<string> = {
  flag: 'model',
  kind: 'string',
  valueName: 'DIR',
  description: 'classifier checkpoint directory (config.json + weights); default: from STORE/dualxda-run.json',
};

export const topKFlag: FlagSpec<number> = {
  flag: 'top-k',
  short: 'k',
  kind: 'string',
  valueName: 'N',
  description: 'proponents and opponents to show per prediction (default 5)',
  parse: (raw, what) => parseInteger(raw, what, 1),
};
