import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isHttpUrl, readStoreKey } from '@dualxda/core';
import { InputError } from '../errors.js';

/**
 * Resolves a user path against the working directory. An http(s) URL is refused here (instead of
 * becoming `./http:/host/...`): only the stores `explain` and `serve` read go through
 * {@link resolveStoreInput}, and nothing is ever written over HTTP.
 */
export function resolvePath(cwd: string, p: string): string {
  if (isHttpUrl(p)) {
    throw new InputError(p, 'cannot write to an HTTP store, and only the STORE and --test of `explain` and `serve` are read over HTTP', 'copy it locally or use a shared file system (docs/distributed.md)');
  }
  return resolve(cwd, p);
}

/** A store that is only read: an http(s) URL stays a URL (trailing slashes dropped), a path is resolved. */
export function resolveStoreInput(cwd: string, p: string): string {
  return isHttpUrl(p) ? p.replace(/\/+$/, '') : resolve(cwd, p);
}

/** A store served over HTTP: its zarr.json must answer 200 (404 reads as "does not exist"). */
async function checkStoreUrl(url: string, label: string): Promise<string> {
  // HTTP failures other than 404 (5xx, refused) propagate as StoreHttpError naming the URL and status.
  if ((await readStoreKey(url, 'zarr.json')) === undefined) {
    throw new InputError(url, `${label} not found over HTTP (${url}/zarr.json answered 404)`, 'give the URL of the store directory as the static server publishes it (e.g. `python3 -m http.server` run in its parent: http://HOST:PORT/train.zarr), and `dualxda cache finalize` it before publishing');
  }
  return url;
}

async function kindOf(path: string): Promise<'dir' | 'file' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** Checks that `path` is a feature store directory (it has a zarr.json); names the path and the fix. */
export async function checkStoreDir(path: string, label = 'STORE'): Promise<string> {
  if (isHttpUrl(path)) return checkStoreUrl(path, label);
  const kind = await kindOf(path);
  if (kind === 'missing') throw new InputError(path, `${label} does not exist`, 'create it with `dualxda cache --model DIR --data FILE --out STORE` or `dualxda cache import --features X.npy --labels Y.npy --out STORE`');
  if (kind === 'file') throw new InputError(path, `${label} is a file, expected a store directory`, 'pass the directory given to `dualxda cache --out`');
  if ((await kindOf(join(path, 'zarr.json'))) !== 'file') {
    throw new InputError(path, `${label} is not a finalized feature store (no zarr.json)`, 'if a `dualxda cache` run was interrupted, rerun it (it resumes), or run `dualxda cache finalize STORE` after all shards finished');
  }
  return path;
}

/** Checks that `path` is a checkpoint directory with a config.json. */
export async function checkModelDir(path: string, flag = '--model'): Promise<string> {
  const kind = await kindOf(path);
  const hint = `point ${flag} at a folder with config.json, model.safetensors, tokenizer.json and optionally onnx/model.onnx (e.g. packages/llm-adapter/assets/spam-bert)`;
  if (kind === 'missing') throw new InputError(path, `${flag} directory does not exist`, hint);
  if (kind === 'file') throw new InputError(path, `${flag} is a file, expected a checkpoint directory`, hint);
  if ((await kindOf(join(path, 'config.json'))) !== 'file') throw new InputError(path, `${flag} is not a model checkpoint (no config.json)`, hint);
  return path;
}

/** Checks that an input file exists. */
export async function checkInputFile(path: string, flag: string, hint?: string): Promise<string> {
  const kind = await kindOf(path);
  if (kind === 'missing') throw new InputError(path, `${flag}: file does not exist`, hint ?? 'check the path (relative paths start at the current directory)');
  return path;
}

/** Whether a path is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  return (await kindOf(path)) === 'dir';
}

/** Whether a path is a regular file. */
export async function isFile(path: string): Promise<boolean> {
  return (await kindOf(path)) === 'file';
}
