import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
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
  createdBy: string;
}

/** Reads the run record (paths resolved to absolute); undefined when there is none. */
export async function readRunRecord(store: string): Promise<RunRecord | undefined> {
  const file = join(store, RUN_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let raw: Partial<RunRecord>;
  try {
    raw = JSON.parse(text) as Partial<RunRecord>;
  } catch (cause) {
    throw new InputError(file, 'is not valid JSON', `delete it or rerun \`dualxda demo\` / \`dualxda cache\``, { cause });
  }
  const abs = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' ? (isAbsolute(p) ? p : resolve(store, p)) : undefined);
  const out: RunRecord = { createdBy: typeof raw.createdBy === 'string' ? raw.createdBy : 'unknown' };
  const testStore = abs(raw.testStore);
  const modelDir = abs(raw.modelDir);
  if (testStore !== undefined) out.testStore = testStore;
  if (modelDir !== undefined) out.modelDir = modelDir;
  return out;
}

/** Merges `update` into the run record atomically (temp file + rename). */
export async function writeRunRecord(store: string, update: RunRecord): Promise<void> {
  const previous = (await readRunRecord(store)) ?? { createdBy: update.createdBy };
  const merged = { ...previous, ...update };
  const rel = (p: string | undefined): string | undefined => (p === undefined ? undefined : relative(store, p) || '.');
  const json = { testStore: rel(merged.testStore), modelDir: rel(merged.modelDir), createdBy: merged.createdBy };
  const file = join(store, RUN_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(json, null, 2)}\n`);
  await rename(tmp, file);
}
