import { parseChoice } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';
import { parseClassNames } from './check-import.js';

/** Options of `dualxda cache import`. */
export interface CacheImportOptions {
  /** n x d float32/float64 .npy file. */
  features: string;
  /** n integer (or string) labels .npy file. */
  labels: string;
  out: string;
  /** Optional n ids .npy file. */
  ids?: string;
  /** Class names, comma separated, index = label id. */
  classNames?: string[];
  dtype?: 'float32' | 'float16' | 'int8';
}

export const cacheImportCommand = defineCommand<CacheImportOptions>({
  name: 'cache import',
  summary: 'Create a feature store from your own features (.npy), no model needed',
  usage: 'cache import --features X.npy --labels Y.npy --out STORE [--ids IDS.npy] [--class-names a,b]',
  options: {
    features: { flag: 'features', kind: 'string', valueName: 'X.npy', description: 'n x d feature matrix (float32 or float64)' },
    labels: { flag: 'labels', kind: 'string', valueName: 'Y.npy', description: 'n labels (integers, remapped to 0..K-1 if needed)' },
    out: { flag: 'out', short: 'o', kind: 'string', valueName: 'STORE', description: 'store directory to create' },
    ids: { flag: 'ids', kind: 'string', valueName: 'IDS.npy', description: 'n row ids (default 0..n-1)' },
    classNames: { flag: 'class-names', kind: 'string', valueName: 'A,B,...', description: 'class names, index = label id (non-empty, unique)', parse: parseClassNames },
    dtype: { flag: 'dtype', kind: 'string', valueName: 'T', description: 'storage precision: float32 (default), float16, int8', parse: parseChoice(['float32', 'float16', 'int8'] as const) },
  },
  required: ['features', 'labels', 'out'],
  examples: ['dualxda cache import --features X.npy --labels y.npy --out runs/mine --class-names ham,spam', 'dualxda fit runs/mine --C 1e-3'],
  load: async () => (await import('./index.js')).cacheImport,
});
