/**
 * `<STORE>/dualda/collapse.json`: the collapse report `dualxda fit` records next to the model
 * (docs/attribution.md "Collapse alarm"). It lives inside the model group on purpose: a refit
 * replaces `dualda/` as a whole, so a report can never describe another model than the one beside it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isHttpUrl, readStoreKey, storeKeyUrl, type CollapseReport } from '@dualxda/core';
import { InputError } from '../errors.js';

/** File name inside `<STORE>/dualda/`. */
export const COLLAPSE_FILE = 'collapse.json';

/** Path of the report for a store. */
export function collapseFilePath(store: string): string {
  return isHttpUrl(store) ? storeKeyUrl(store, `dualda/${COLLAPSE_FILE}`) : join(store, 'dualda', COLLAPSE_FILE);
}

/** Writes the report atomically (temp file + rename), so readers never see half a file. */
export async function writeCollapseReport(store: string, report: CollapseReport): Promise<string> {
  const file = collapseFilePath(store);
  // Inside dualda/ itself: rename is atomic on NFS only within one directory.
  const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}

/** Shape check of a parsed report: enough that the printers and the dashboard can rely on it. */
function isCollapseReport(v: unknown): v is CollapseReport {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<CollapseReport>;
  return r.schemaVersion === 1 && typeof r.spectrum?.uncentred?.participationRatio === 'number' && (r.verdict?.level === 'instance' || r.verdict?.level === 'class') && Array.isArray(r.verdict.checks);
}

/** The recorded report; undefined when none was written (a model fitted before the alarm existed). */
export async function readCollapseReport(store: string): Promise<CollapseReport | undefined> {
  const file = collapseFilePath(store);
  let text: string;
  if (isHttpUrl(store)) {
    // 404 = no report; any other HTTP failure throws StoreHttpError naming the URL.
    const bytes = await readStoreKey(store, `dualda/${COLLAPSE_FILE}`);
    if (bytes === undefined) return undefined;
    text = new TextDecoder().decode(bytes);
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InputError(file, 'is not valid JSON', `delete it and rerun \`dualxda fit\` (or \`dualxda inspect\`, which recomputes it)`, { cause });
  }
  if (!isCollapseReport(parsed)) throw new InputError(file, 'is not a collapse report (schemaVersion 1)', 'delete it and rerun `dualxda fit`');
  return parsed;
}
