import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/** Resolves a user path against the working directory. */
export function resolvePath(cwd: string, p: string): string {
  return resolve(cwd, p);
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
  const hint = `point ${flag} at a folder with config.json, model.safetensors, tokenizer.json and onnx/model.onnx (e.g. packages/llm-adapter/assets/spam-bert)`;
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
