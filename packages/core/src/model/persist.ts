/**
 * Persists a DualDA model inside the feature store (docs/attribution.md has the layout).
 *
 * Every save writes a complete, versioned Zarr v3 group `STORE/dualda.<tag>/` and then switches
 * the pointer `STORE/dualda` (a relative symbolic link) to it with one rename, the only step a
 * reader can observe: a kill at any moment leaves either the previous model or the new one. The
 * previous version is kept (a rollback target); older ones and temporaries of killed saves are
 * removed by the next save. Every rename stays inside STORE (atomic on NFS only within one
 * directory), and a lock file keeps two fits of one store apart. Each array chunk's size and
 * sha256 sit in its zarr.json and are verified on load. A store given as an http(s) URL is read
 * through the static server (which follows the link) and cannot be saved to.
 */
import { mkdir, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemStore, type AsyncReadable } from '@zarrita/storage';
import * as zarr from 'zarrita';
import { DualxdaError, isDualxdaError } from '../errors.js';
import { isHttpUrl, openHttpStore, ReadOnlyStoreError, storeKeyUrl } from '../store/http-store.js';
import { acquireStoreLock } from '../store/lock.js';
import { jsonBytes, openStoreIO, readJson, type StoreIO } from '../store/store-io.js';
import { readModelArray, writeModelArray } from './model-arrays.js';
import { DualDAModelIoError } from './model-io-error.js';
import { validateDualDAModel, type DualDAModel, type JsonValue } from './types.js';

export { DualDAModelIoError } from './model-io-error.js';

type ReadLoc = zarr.Location<AsyncReadable>;

/** Name of the model pointer inside the store directory. */
export const DUALDA_GROUP = 'dualda';
/** Layout version written to the group attributes (1: arrays by zarrita, ids in attributes). */
export const DUALDA_SCHEMA_VERSION = 2;

const VERSION_PREFIX = `${DUALDA_GROUP}.`;
const TEMP_PREFIXES = [`.${DUALDA_GROUP}.tmp-`, `.${DUALDA_GROUP}.old-`, `.${DUALDA_GROUP}.link-`];
const LOCK_KEY = `.${DUALDA_GROUP}.lock`;

function versionTag(): string {
  // Sortable by time, unique across hosts writing the same store.
  return `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

async function writeGroup(io: StoreIO, model: DualDAModel, nSV: number, K: number, d: number): Promise<void> {
  await writeModelArray(io, 'sv_indices', 'int32', model.svIndices, [nSV]);
  await writeModelArray(io, 'sv_ids', 'string', model.svIds, [nSV]);
  await writeModelArray(io, 'sv_alpha', 'float64', model.svAlpha, [nSV, K]);
  await writeModelArray(io, 'sv_features', 'float32', model.svFeatures, [nSV, d]);
  await writeModelArray(io, 'sv_norms', 'float32', model.svNorms, [nSV]);
  await writeModelArray(io, 'weights', 'float64', model.weights, [K, d]);
  await writeModelArray(io, 'bias', 'float64', model.bias, [K]);
  const attributes = {
    schemaVersion: DUALDA_SCHEMA_VERSION,
    nSV, K, d,
    C: model.C,
    classNames: model.classNames,
    diagnostics: model.diagnostics,
    modelHash: model.modelHash,
    datasetRevision: model.datasetRevision,
    // Only candidate-set models carry it, so other models' files are unchanged.
    ...(model.classIds === undefined ? {} : { classIds: model.classIds }),
  };
  // The group's zarr.json is written last: a version directory with it is complete.
  await io.put('zarr.json', jsonBytes({ zarr_format: 3, node_type: 'group', attributes }));
}

/** Removes temporaries of killed saves and all versions but the current and the previous one. */
async function collectGarbage(storePath: string, current: string, previous: string | undefined): Promise<void> {
  for (const name of await readdir(storePath)) {
    const stale = TEMP_PREFIXES.some((p) => name.startsWith(p)) || (name.startsWith(VERSION_PREFIX) && name !== current && name !== previous);
    // On NFS a file still open elsewhere turns into .nfsXXXX and blocks the rmdir: best effort.
    if (stale) await rm(join(storePath, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Saves `model` into `<storePath>/dualda` (see the file comment: versioned group, one-rename swap).
 *
 * @example
 * await saveDualDAModel('features.zarr', model);
 */
export async function saveDualDAModel(storePath: string, model: DualDAModel): Promise<void> {
  const { nSV, K, d } = validateDualDAModel(model);
  if (isHttpUrl(storePath)) throw new ReadOnlyStoreError(storePath);
  const info = await stat(storePath).catch((cause: unknown) => {
    throw new DualDAModelIoError(storePath, 'store directory does not exist', { cause });
  });
  if (!info.isDirectory()) throw new DualDAModelIoError(storePath, 'store path is not a directory');
  const unlock = await acquireStoreLock(await openStoreIO(storePath), LOCK_KEY, 'the DualDA model');
  const tag = versionTag();
  const tmp = join(storePath, `.${DUALDA_GROUP}.tmp-${tag}`);
  const version = `${VERSION_PREFIX}${tag}`;
  const pointer = join(storePath, DUALDA_GROUP);
  try {
    await mkdir(tmp);
    await writeGroup(await openStoreIO(tmp), model, nSV, K, d);
    await rename(tmp, join(storePath, version));
    let previous = await readlink(pointer).catch(() => undefined);
    if (previous === undefined && (await exists(pointer))) {
      // A model saved before versioning is a plain directory: make it the previous version first.
      previous = `${VERSION_PREFIX}${tag}-legacy`;
      await rename(pointer, join(storePath, previous));
    }
    const link = join(storePath, `.${DUALDA_GROUP}.link-${tag}`);
    await symlink(version, link);
    await rename(link, pointer);
    await collectGarbage(storePath, version, previous);
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    if (cause instanceof DualxdaError) throw cause;
    throw new DualDAModelIoError(pointer, `could not write the DualDA model (${String(cause)})`, { cause });
  } finally {
    await unlock();
  }
}

/** The group a reader opens: the pointer, or (a kill during a legacy migration) the newest complete version. */
async function modelLocation(storePath: string): Promise<string> {
  if (isHttpUrl(storePath)) return storeKeyUrl(storePath, DUALDA_GROUP);
  const pointer = join(storePath, DUALDA_GROUP);
  if (await exists(pointer)) return pointer;
  const versions = (await readdir(storePath).catch(() => [] as string[])).filter((n) => n.startsWith(VERSION_PREFIX)).sort();
  for (const v of versions.reverse()) if (await exists(join(storePath, v, 'zarr.json'))) return join(storePath, v);
  return pointer;
}

function attr<T>(attrs: Record<string, unknown>, key: string, check: (v: unknown) => boolean, where: string): T {
  const v = attrs[key];
  if (!check(v)) throw new DualDAModelIoError(where, `attribute '${key}' is missing or has the wrong type`);
  return v as T;
}

async function readArray<T extends Int32Array | Float32Array | Float64Array>(
  root: ReadLoc, name: string, ctor: { new (n: number): T; name: string }, shape: number[], where: string,
): Promise<T> {
  let arr;
  try {
    arr = await zarr.open(root.resolve(name), { kind: 'array' });
  } catch (cause) {
    // An unreachable server or a 5xx is not a "missing array": keep the URL and status.
    if (isDualxdaError(cause, 'StoreHttpError')) throw cause;
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
 * Loads the model saved by {@link saveDualDAModel} from `<storePath>/dualda/`; `storePath` may be
 * an http(s) URL of a store published by a static file server.
 *
 * @example
 * const model = await loadDualDAModel('features.zarr');
 * const remote = await loadDualDAModel('http://127.0.0.1:8000/features.zarr');
 */
export async function loadDualDAModel(storePath: string): Promise<DualDAModel> {
  const where = await modelLocation(storePath);
  const io = await openStoreIO(where);
  let group: { attributes?: Record<string, unknown> } | undefined;
  try {
    group = await readJson(io, 'zarr.json');
  } catch (cause) {
    if (isDualxdaError(cause, 'StoreHttpError')) throw cause;
    throw new DualDAModelIoError(where, 'zarr.json is not valid JSON; refit with `dualxda fit`', { cause });
  }
  if (group === undefined) throw new DualDAModelIoError(where, 'no DualDA model here (missing zarr.json); fit one first');
  const a = group.attributes ?? {};
  const isInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const version = attr<number>(a, 'schemaVersion', isInt, where);
  if (version > DUALDA_SCHEMA_VERSION) throw new DualDAModelIoError(where, `schemaVersion ${version} is newer than supported (${DUALDA_SCHEMA_VERSION}): upgrade dualxda`);
  const nSV = attr<number>(a, 'nSV', isInt, where);
  const K = attr<number>(a, 'K', isInt, where);
  const d = attr<number>(a, 'd', isInt, where);
  const arrays = version === 1 ? await readLegacyArrays(storePath, where, a, nSV, K, d) : await readArrays(io, nSV, K, d);
  const model: DualDAModel = {
    ...arrays,
    C: attr<number>(a, 'C', (v) => typeof v === 'number', where),
    classNames: attr<string[]>(a, 'classNames', isStrings, where),
    diagnostics: attr<{ [key: string]: JsonValue }>(a, 'diagnostics', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), where),
    modelHash: attr<string>(a, 'modelHash', (v) => typeof v === 'string', where),
    datasetRevision: attr<string>(a, 'datasetRevision', (v) => typeof v === 'string', where),
  };
  if (a['classIds'] !== undefined) model.classIds = attr<number[]>(a, 'classIds', (v) => Array.isArray(v) && v.every((c) => Number.isInteger(c)), where);
  validateDualDAModel(model);
  return model;
}

type ModelArrays = Pick<DualDAModel, 'svIndices' | 'svIds' | 'svAlpha' | 'svFeatures' | 'svNorms' | 'weights' | 'bias'>;

async function readArrays(io: StoreIO, nSV: number, K: number, d: number): Promise<ModelArrays> {
  return {
    svIndices: (await readModelArray(io, 'sv_indices', 'int32', [nSV])) as Int32Array,
    svIds: (await readModelArray(io, 'sv_ids', 'string', [nSV])) as string[],
    svAlpha: (await readModelArray(io, 'sv_alpha', 'float64', [nSV, K])) as Float64Array,
    svFeatures: (await readModelArray(io, 'sv_features', 'float32', [nSV, d])) as Float32Array,
    svNorms: (await readModelArray(io, 'sv_norms', 'float32', [nSV])) as Float32Array,
    weights: (await readModelArray(io, 'weights', 'float64', [K, d])) as Float64Array,
    bias: (await readModelArray(io, 'bias', 'float64', [K])) as Float64Array,
  };
}

/** Schema 1 (before checksums): arrays through zarrita, support-vector ids in the attributes. */
async function readLegacyArrays(storePath: string, where: string, a: Record<string, unknown>, nSV: number, K: number, d: number): Promise<ModelArrays> {
  const root: ReadLoc = zarr.root(isHttpUrl(storePath) ? openHttpStore(where) : new FileSystemStore(where));
  const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return {
    svIndices: await readArray(root, 'sv_indices', Int32Array, [nSV], where),
    svIds: attr<string[]>(a, 'svIds', isStrings, where),
    svAlpha: await readArray(root, 'sv_alpha', Float64Array, [nSV, K], where),
    svFeatures: await readArray(root, 'sv_features', Float32Array, [nSV, d], where),
    svNorms: await readArray(root, 'sv_norms', Float32Array, [nSV], where),
    weights: await readArray(root, 'weights', Float64Array, [K, d], where),
    bias: await readArray(root, 'bias', Float64Array, [K], where),
  };
}
