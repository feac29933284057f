import { InvalidInputError } from '../store/errors.js';
import type { FeatureSource } from './import-features.js';
import { toInt32Labels } from './import-features.js';
import { openNpy } from './npy.js';

/** Files of an `.npy` import: features (n x d, float32/float64, C order), labels (n ints), optional ids (n ints). */
export interface NpyFeatureFiles {
  features: string;
  labels: string;
  ids?: string;
}

async function readWhole(file: string, rows: number, field: string): Promise<ArrayLike<number | bigint>> {
  const f = await openNpy(file);
  try {
    if (f.header.shape.length !== 1 || f.rows !== rows) {
      throw new InvalidInputError(file, field, `shape (${f.header.shape.join(', ')}) does not match ${rows} feature rows (expected (${rows},))`);
    }
    if (f.header.dtype === 'float32' || f.header.dtype === 'float64' || f.header.dtype === 'bool') {
      if (field === 'ids') throw new InvalidInputError(file, field, `dtype ${f.header.dtype} is not an integer type`);
    }
    return (await f.readRows(0, rows)) as ArrayLike<number | bigint>;
  } finally {
    await f.close();
  }
}

/**
 * A streaming `FeatureSource` over `.npy` files: features are read row range by row range;
 * float64 is narrowed to float32.
 *
 * @example
 * await importFeatures('feats.zarr', await npyFeatureSource({ features: 'x.npy', labels: 'y.npy' }));
 */
export async function npyFeatureSource(files: NpyFeatureFiles): Promise<FeatureSource> {
  const x = await openNpy(files.features);
  const { shape, dtype } = x.header;
  if (shape.length !== 2) {
    await x.close();
    throw new InvalidInputError(files.features, 'shape', `features must be 2-D (n, d), got (${shape.join(', ')})`);
  }
  if (dtype !== 'float32' && dtype !== 'float64') {
    await x.close();
    throw new InvalidInputError(files.features, 'dtype', `unsupported feature dtype ${dtype} (float32 or float64)`);
  }
  const labels = toInt32Labels(await readWhole(files.labels, x.rows, 'labels'), files.labels);
  const ids = files.ids === undefined ? undefined : Array.from(await readWhole(files.ids, x.rows, 'ids'), (v) => v as number | bigint);
  return {
    name: files.features,
    rows: x.rows,
    dim: shape[1],
    labels,
    ids,
    async readFeatures(start, end) {
      const data = await x.readRows(start, end);
      return data instanceof Float32Array ? data : Float32Array.from(data as Float64Array);
    },
    close: () => x.close(),
  };
}
