/**
 * Persists a DualDA model as a `dualda/` group inside the feature store's Zarr v3 directory
 * (docs/attribution.md has the layout). Writes go to a sibling temp directory that is renamed
 * into place, so readers never see a half-written model; a previous model is swapped out only
 * after the new one is complete.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import * as zarr from 'zarrita';
import { DualxdaError } from '../errors.js';
import { validateDualDAModel, type DualDAModel, type JsonValue } from './types.js';

/** Name of the model group inside the store directory. */
export const DUALDA_GROUP = 'dualda';
/** Layout version written to the group attributes. */
export const DUALDA_SCHEMA_VERSION = 1;

/** Loading or saving a DualDA model failed; names the path and what is wrong. */
export class DualDAModelIoError extends DualxdaError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DualDAModelIoError', `${path}: ${message}`, options);
  }
}

type Loc = zarr.Location<FileSystemStore>;

async function writeArray(
  root: Loc,
  name: string,
  dtype: 'int32' | 'float32' | 'float64',
  data: Int32Array | Float32Array | Float64Array,
  shape: number[],
): Promise<void> {
  // One chunk per ~4096 rows keeps files moderate for 20k × 768 features.
  const chunkShape = shape.map((s, axis) => Math.max(1, axis === 0 ? Math.min(s, 4096) : s));
  const arr = await zarr.create(root.resolve(name), { shape, chunkShape, dtype });
  if (shape.every((s) => s > 0)) {
    const stride = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
    await zarr.set(arr, null, { data, shape, stride } as zarr.Chunk<typeof dtype>);
  }
}

/**
 * Saves `model` to `<storePath>/dualda/` atomically (temp group + rename).
 *
 * @example
 * await saveDualDAModel('features.zarr', model);
 */
export async function saveDualDAModel(storePath: string, model: DualDAModel): Promise<void> {
  const { nSV, K, d } = validateDualDAModel(model);
  const info = await stat(storePath).catch((cause: unknown) => {
    throw new DualDAModelIoError(storePath, 'store directory does not exist', { cause });
  });
  if (!info.isDirectory()) throw new DualDAModelIoError(storePath, 'store path is not a directory');
  const tag = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const tmp = join(storePath, `.${DUALDA_GROUP}.tmp-${tag}`);
  const final = join(storePath, DUALDA_GROUP);
  const old = join(storePath, `.${DUALDA_GROUP}.old-${tag}`);
  try {
    await mkdir(tmp);
    const root = zarr.root(new FileSystemStore(tmp));
    await zarr.create(root, {
      attributes: {
        schemaVersion: DUALDA_SCHEMA_VERSION,
        nSV, K, d,
        C: model.C,
        classNames: model.classNames,
        svIds: model.svIds,
        diagnostics: model.diagnostics,
        modelHash: model.modelHash,
        datasetRevision: model.datasetRevision,
      },
    });
    await writeArray(root, 'sv_indices', 'int32', model.svIndices, [nSV]);
    await writeArray(root, 'sv_alpha', 'float64', model.svAlpha, [nSV, K]);
    await writeArray(root, 'sv_features', 'float32', model.svFeatures, [nSV, d]);
    await writeArray(root, 'sv_norms', 'float32', model.svNorms, [nSV]);
    await writeArray(root, 'weights', 'float64', model.weights, [K, d]);
    await writeArray(root, 'bias', 'float64', model.bias, [K]);
    const hadOld = await stat(final).then(() => true, () => false);
    if (hadOld) await rename(final, old);
    await rename(tmp, final);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    if (cause instanceof DualxdaError) throw cause;
    throw new DualDAModelIoError(final, `could not write the DualDA model (${String(cause)})`, { cause });
  }
}

function attr<T>(attrs: Record<string, unknown>, key: string, check: (v: unknown) => boolean, where: string): T {
  const v = attrs[key];
  if (!check(v)) throw new DualDAModelIoError(where, `attribute '${key}' is missing or has the wrong type`);
  return v as T;
}

async function readArray<T extends Int32Array | Float32Array | Float64Array>(
  root: Loc, name: string, ctor: { new (n: number): T; name: string }, shape: number[], where: string,
): Promise<T> {
  let arr;
  try {
    arr = await zarr.open(root.resolve(name), { kind: 'array' });
  } catch (cause) {
    throw new DualDAModelIoError(`${where}/${name}`, 'array is missing or unreadable', { cause });
  }
  if (arr.shape.length !== shape.length || arr.shape.some((s, k) => s !== shape[k])) {
    throw new DualDAModelIoError(`${where}/${name}`, `shape [${arr.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  if (shape.some((s) => s === 0)) return new ctor(0);
  const chunk = await zarr.get(arr);
  if (!(chunk.data instanceof ctor)) throw new DualDAModelIoError(`${where}/${name}`, `dtype ${arr.dtype}, expected ${ctor.name}`);
  return chunk.data as T;
}

/**
 * Loads the model saved by {@link saveDualDAModel} from `<storePath>/dualda/`.
 *
 * @example
 * const model = await loadDualDAModel('features.zarr');
 */
export async function loadDualDAModel(storePath: string): Promise<DualDAModel> {
  const where = join(storePath, DUALDA_GROUP);
  const root = zarr.root(new FileSystemStore(where));
  let group;
  try {
    group = await zarr.open(root, { kind: 'group' });
  } catch (cause) {
    throw new DualDAModelIoError(where, 'no DualDA model here (missing or unreadable zarr.json); fit one first', { cause });
  }
  const a = group.attrs as Record<string, unknown>;
  const isInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const version = attr<number>(a, 'schemaVersion', isInt, where);
  if (version > DUALDA_SCHEMA_VERSION) throw new DualDAModelIoError(where, `schemaVersion ${version} is newer than supported (${DUALDA_SCHEMA_VERSION})`);
  const nSV = attr<number>(a, 'nSV', isInt, where);
  const K = attr<number>(a, 'K', isInt, where);
  const d = attr<number>(a, 'd', isInt, where);
  const model: DualDAModel = {
    svIndices: await readArray(root, 'sv_indices', Int32Array, [nSV], where),
    svIds: attr<string[]>(a, 'svIds', isStrings, where),
    svAlpha: await readArray(root, 'sv_alpha', Float64Array, [nSV, K], where),
    svFeatures: await readArray(root, 'sv_features', Float32Array, [nSV, d], where),
    svNorms: await readArray(root, 'sv_norms', Float32Array, [nSV], where),
    weights: await readArray(root, 'weights', Float64Array, [K, d], where),
    bias: await readArray(root, 'bias', Float64Array, [K], where),
    C: attr<number>(a, 'C', (v) => typeof v === 'number', where),
    classNames: attr<string[]>(a, 'classNames', isStrings, where),
    diagnostics: attr<{ [key: string]: JsonValue }>(a, 'diagnostics', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), where),
    modelHash: attr<string>(a, 'modelHash', (v) => typeof v === 'string', where),
    datasetRevision: attr<string>(a, 'datasetRevision', (v) => typeof v === 'string', where),
  };
  validateDualDAModel(model);
  return model;
}
