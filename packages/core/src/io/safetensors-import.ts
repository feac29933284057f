import { InvalidInputError } from '../store/errors.js';
import type { FeatureSource } from './import-features.js';
import { toInt32Labels } from './import-features.js';
import { parseSafetensors } from './safetensors.js';

/** Tensor names of a safetensors feature import. */
export interface SafetensorsFeatureOptions {
  /** @default 'features' */
  features?: string;
  /** @default 'labels' */
  labels?: string;
  /** Integer ids tensor; default: row index. */
  ids?: string;
}

/**
 * A `FeatureSource` over one `.safetensors` file holding an (n, d) float tensor and an (n,) integer
 * label tensor. The file is parsed whole (safetensors has no row streaming); use `.npy` or Parquet
 * for stores larger than memory.
 *
 * @example
 * await importFeatures('feats.zarr', await safetensorsFeatureSource('feats.safetensors'));
 */
export async function safetensorsFeatureSource(file: string, options: SafetensorsFeatureOptions = {}): Promise<FeatureSource> {
  const names = { features: options.features ?? 'features', labels: options.labels ?? 'labels', ids: options.ids };
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    // A plain Uint8Array copy: parseSafetensors slices its input, and Buffer#slice would alias the file buffer.
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new InvalidInputError(file, 'file', `cannot read (${(cause as Error).message})`);
  }
  const tensors = parseSafetensors(bytes, file);
  const x = tensors.get(names.features);
  if (x === undefined) throw new InvalidInputError(file, names.features, `no such tensor (have: ${[...tensors.keys()].join(', ')})`);
  if (!(x.data instanceof Float32Array)) throw new InvalidInputError(file, names.features, `unsupported dtype ${x.dtype} (F32, F64, F16 or BF16)`);
  if (x.shape.length !== 2) throw new InvalidInputError(file, names.features, `must be 2-D (n, d), got [${x.shape.join(', ')}]`);
  const [rows, dim] = x.shape;
  const y = tensors.get(names.labels);
  if (y === undefined) throw new InvalidInputError(file, names.labels, 'no such tensor');
  if (y.shape.length !== 1 || y.shape[0] !== rows) throw new InvalidInputError(file, names.labels, `shape [${y.shape.join(', ')}] does not match ${rows} feature rows`);
  let ids: BigInt64Array | Int32Array | undefined;
  if (names.ids !== undefined) {
    const t = tensors.get(names.ids);
    if (t === undefined) throw new InvalidInputError(file, names.ids, 'no such tensor');
    if (!(t.data instanceof BigInt64Array || t.data instanceof Int32Array) || t.shape.length !== 1 || t.shape[0] !== rows) {
      throw new InvalidInputError(file, names.ids, `must be an (${rows},) I64 or I32 tensor, got ${t.dtype} [${t.shape.join(', ')}]`);
    }
    ids = t.data;
  }
  const features = x.data;
  return {
    name: file,
    rows,
    dim,
    labels: toInt32Labels(y.data as ArrayLike<number | bigint>, file, names.labels),
    ids,
    readFeatures: async (start, end) => features.subarray(start * dim, end * dim),
  };
}
