import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';

/**
 * Boolean flags of JSONL corpus rows by id (`"corrupted"`, `"shortcut"`): feature stores keep ids,
 * texts and labels only, so the planted-defect metrics read their ground truth from the corpus.
 * Ids follow `readCorpus`: the `id` field, else `idx`, else the row index.
 */
export async function readCorpusFlags(file: string, field: string, hint: string): Promise<Map<string, boolean>> {
  if (!/\.(jsonl|ndjson|json)$/i.test(file)) throw new InputError(file, `the "${field}" flags are read from JSONL corpora only`, hint);
  const out = new Map<string, boolean>();
  let row = 0;
  let seen = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (cause) {
      throw new InputError(file, `line ${lineNo} is not valid JSON`, hint, { cause });
    }
    const id = rec['id'] ?? rec['idx'] ?? row;
    row++;
    const v = rec[field];
    if (v !== undefined) seen++;
    out.set(String(id), v === true || v === 1 || v === 'true');
  }
  if (seen === 0) throw new InputError(file, `no row has a "${field}" field`, hint);
  return out;
}

/** The flags of `ids` in store order; a store row missing from the corpus is an input error. */
export function flagsForIds(ids: readonly string[], flags: ReadonlyMap<string, boolean>, file: string): Uint8Array {
  const mask = new Uint8Array(ids.length);
  ids.forEach((id, i) => {
    const v = flags.get(id);
    if (v === undefined) throw new InputError(file, `store row ${i} (id ${id}) is not in this corpus`, 'pass the --data folder the store was cached from');
    mask[i] = v ? 1 : 0;
  });
  return mask;
}

/**
 * Corpus group of a row id: the part before the first '/' (SpamAssassin's `easy-ham-1/00001.7c5`
 * is in group `easy-ham-1`); ids without '/' are their own group ''.
 */
export function groupOfId(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? '' : id.slice(0, slash);
}
