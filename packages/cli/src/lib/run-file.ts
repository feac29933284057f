import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isHttpUrl, readStoreKey, ReadOnlyStoreError, storeKeyUrl } from '@dualxda/core';
import { InputError } from '../errors.js';

/** File name of the run record inside a train store. */
export const RUN_FILE = 'dualxda-run.json';

/**
 * `<STORE>/dualxda-run.json`: what `serve`, `explain` and `xda` fall back to when `--test` or
 * `--model` are not given. Paths are stored relative to the store so the folder can be moved.
 */
export interface RunRecord {
  testStore?: string;
  modelDir?: string;
  /**
   * The token limit `dualxda cache` cut the texts to: XDA and typed texts must be cut the same
   * way, or their features are not the stored ones.
   */
  maxLength?: number;
  /** Training-set faithfulness figures recorded when the model was fitted (name -> value). */
  faithfulness?: Record<string, number>;
  createdBy: string;
}

/** The run file's text; undefined when absent. Over HTTP a 404 is absent, other failures throw. */
async function readRunText(store: string, file: string): Promise<string | undefined> {
  if (isHttpUrl(store)) {
    const bytes = await readStoreKey(store, RUN_FILE);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Reads the run record (paths resolved to absolute); undefined when there is none. For a store read
 * over HTTP, a relative `testStore` resolves to a URL beside the store, and a relative `modelDir`
 * is dropped: a checkpoint must be a local directory (pass --model).
 */
export async function readRunRecord(store: string): Promise<RunRecord | undefined> {
  const remote = isHttpUrl(store);
  const file = remote ? storeKeyUrl(store, RUN_FILE) : join(store, RUN_FILE);
  const text = await readRunText(store, file);
  if (text === undefined) return undefined;
  let raw: Partial<RunRecord>;
  try {
    raw = JSON.parse(text) as Partial<RunRecord>;
  } catch (cause) {
    throw new InputError(file, 'is not valid JSON', `delete it or rerun \`dualxda demo\` / \`dualxda cache\``, { cause });
  }
  // Self-validating: a field of the wrong type is named, never silently dropped.
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(file, 'is not a JSON object', 'delete it or rerun `dualxda cache`');
  for (const field of ['testStore', 'modelDir', 'createdBy'] as const) {
    const v = raw[field];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new InputError(file, `field '${field}' must be a string, got ${JSON.stringify(v)}`, 'delete it or rerun `dualxda cache`');
  }
  // A URL inside the file is ignored: only URLs derived from the one the user named are fetched.
  const abs = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' && !isHttpUrl(p) ? (isAbsolute(p) ? p : remote ? storeKeyUrl(store, p) : resolve(store, p)) : undefined);
  const max = raw.maxLength;
  if (max !== undefined && max !== null && !(Number.isInteger(max) && max >= 2)) throw new InputError(file, `field 'maxLength' must be an integer >= 2, got ${JSON.stringify(max)}`, 'delete it or rerun `dualxda cache`');
  const f = raw.faithfulness;
  if (f !== undefined && (typeof f !== 'object' || f === null || Array.isArray(f) || Object.values(f).some((v) => typeof v !== 'number'))) {
    throw new InputError(file, `field 'faithfulness' must be an object of numbers, got ${JSON.stringify(f)}`, 'delete it or rerun `dualxda eval --metric faithfulness`');
  }
  const out: RunRecord = { createdBy: typeof raw.createdBy === 'string' ? raw.createdBy : 'unknown', ...(typeof max === 'number' ? { maxLength: max } : {}), ...(f === undefined ? {} : { faithfulness: f }) };
  const testStore = abs(raw.testStore);
  const modelDir = remote && typeof raw.modelDir === 'string' && !isAbsolute(raw.modelDir) ? undefined : abs(raw.modelDir);
  if (testStore !== undefined) out.testStore = testStore;
  if (modelDir !== undefined) out.modelDir = modelDir;
  return out;
}

/** Merges `update` into the run record atomically (temp file + rename). */
export async function writeRunRecord(store: string, update: RunRecord): Promise<void> {
  if (isHttpUrl(store)) throw new ReadOnlyStoreError(store);
  const previous = (await readRunRecord(store)) ?? { createdBy: update.createdBy };
  const merged = { ...previous, ...update };
  const rel = (p: string | undefined): string | undefined => (p === undefined ? undefined : relative(store, p) || '.');
  const json = { testStore: rel(merged.testStore), modelDir: rel(merged.modelDir), maxLength: merged.maxLength, faithfulness: merged.faithfulness, createdBy: merged.createdBy };
  const file = join(store, RUN_FILE);
  // Same directory as the target (rename is atomic on NFS only within one directory); pid alone
  // can repeat across the hosts of a cluster whose shards all record the run, hence the random tag.
  const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  await writeFile(tmp, `${JSON.stringify(json, null, 2)}\n`);
  await rename(tmp, file);
}

/**
 * Records training-set faithfulness figures in the run file, where `serve` reads them for the
 * dashboard's overview (finite figures only: a NaN Kendall tau has no JSON number). A store read
 * over HTTP is left alone. The rest of the record is kept.
 */
export async function recordFaithfulness(store: string, figures: object, createdBy: string): Promise<void> {
  if (isHttpUrl(store)) return;
  const faithfulness = Object.fromEntries(Object.entries(figures).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  const previous = await readRunRecord(store);
  await writeRunRecord(store, { faithfulness, createdBy: previous?.createdBy ?? createdBy });
}
