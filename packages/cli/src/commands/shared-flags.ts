import { parseInteger, type FlagSpec, type PositionalSpec } from '../cli-options.js';

/** Flag specs several commands share (one wording, one parser). */
export const storeArg: PositionalSpec<string> = { positional: 0, name: 'STORE', description: 'feature store directory (from `dualxda cache` or `cache import`)' };

/** STORE of the read-only commands (`explain`, `serve`): a directory or an http(s) URL of one. */
export const readStoreArg: PositionalSpec<string> = { ...storeArg, description: 'feature store directory, or its http(s) URL on a static file server (read-only)' };

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

export const allowMismatchFlag: FlagSpec<boolean> = {
  flag: 'allow-mismatch',
  kind: 'boolean',
  description: 'explain test rows from another checkpoint or class list than STORE (a warning instead of an error; feature dimensions must still match)',
};
