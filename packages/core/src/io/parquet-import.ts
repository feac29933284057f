import { openParquet } from '../data/parquet-file.js';
import { InvalidInputError } from '../store/errors.js';
import type { FeatureSource } from './import-features.js';
import { toInt32Labels } from './import-features.js';

/** Column names of a Parquet feature import. */
export interface ParquetFeatureOptions {
  /** Fixed-size list (or list) of floats, one per row. @default 'features' */
  features?: string;
  /** Integer label column. @default 'label' */
  label?: string;
  /** Id column (integers or strings); default: row index. */
  id?: string;
}

/**
 * A `FeatureSource` over a Parquet file whose feature column holds one fixed-size list of floats per
 * row. Feature rows are read range by range; labels and ids (n scalars) are read once.
 *
 * @example
 * await importFeatures('feats.zarr', await parquetFeatureSource('embeddings.parquet', { features: 'emb' }));
 */
export async function parquetFeatureSource(file: string, options: ParquetFeatureOptions = {}): Promise<FeatureSource> {
  const cols = { features: options.features ?? 'features', label: options.label ?? 'label', id: options.id };
  const pq = await openParquet(file);
  pq.require(cols.features);
  pq.require(cols.label);
  if (cols.id !== undefined) pq.require(cols.id);
  const scalars = await pq.read(cols.id === undefined ? [cols.label] : [cols.label, cols.id], 0, pq.rows);
  const labels = toInt32Labels(
    scalars.map((r) => r[cols.label] as number | bigint),
    file,
    cols.label,
  );
  const ids = cols.id === undefined ? undefined : scalars.map((r) => r[cols.id as string] as string | number | bigint);
  const first = pq.rows > 0 ? (await pq.read([cols.features], 0, 1))[0][cols.features] : [];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new InvalidInputError(file, cols.features, 'is not a list column', 0);
  const dim = (first as ArrayLike<number>).length;
  return {
    name: file,
    rows: pq.rows,
    dim,
    labels,
    ids,
    async readFeatures(start, end) {
      const rows = await pq.read([cols.features], start, end);
      const out = new Float32Array((end - start) * dim);
      rows.forEach((row, i) => {
        const v = row[cols.features] as ArrayLike<number> | null;
        if (v === null || v === undefined || v.length !== dim) {
          throw new InvalidInputError(file, cols.features, `has ${v === null || v === undefined ? 'no value' : `${v.length} values`}, expected ${dim}`, start + i);
        }
        for (let j = 0; j < dim; j++) out[i * dim + j] = Number(v[j]);
      });
      return out;
    },
  };
}
