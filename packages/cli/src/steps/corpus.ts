import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readCorpus as readCorpusBatches, type CorpusRow } from '@dualxda/core';
import { InputError } from '../errors.js';
import { isDirectory } from '../lib/inputs.js';
import { addIdHash, confirmDuplicate, createIdHashes, repeatedHashes } from './corpus-ids.js';

const CORPUS_EXTENSIONS = new Set(['.jsonl', '.ndjson', '.json', '.parquet']);

/** The corpus files of a path: the file itself, or the sorted .jsonl/.parquet files of a directory. */
export async function corpusFiles(path: string): Promise<string[]> {
  if (!(await isDirectory(path))) {
    if (!CORPUS_EXTENSIONS.has(extname(path).toLowerCase())) throw new InputError(path, `unsupported corpus format '${extname(path) || '(none)'}'`, 'give a .jsonl file (one {"id", "text", "label"} object per line) or a .parquet file with text and label columns');
    return [path];
  }
  const files = (await readdir(path)).filter((f) => CORPUS_EXTENSIONS.has(extname(f).toLowerCase())).sort();
  if (files.length === 0) throw new InputError(path, 'directory has no .jsonl or .parquet corpus files', 'put train.jsonl (one {"id", "text", "label"} per line) in it, or pass the file itself');
  return files.map((f) => join(path, f));
}

/** Rows of all files, at most `limit`. */
export async function* readCorpus(files: readonly string[], limit = Number.POSITIVE_INFINITY): AsyncGenerator<CorpusRow> {
  let n = 0;
  for (const f of files) {
    for await (const batch of readCorpusBatches(f)) {
      for (const row of batch) {
        if (n >= limit) return;
        n++;
        yield row;
      }
    }
  }
}

/** The file and in-file row of corpus row `row` (counting across `files` in order), for error messages. */
export async function locateRow(files: readonly string[], row: number): Promise<{ file: string; row: number }> {
  let n = 0;
  for (const f of files) {
    let i = 0;
    for await (const batch of readCorpusBatches(f)) {
      if (n + batch.length > row) return { file: f, row: i + (row - n) };
      n += batch.length;
      i += batch.length;
    }
  }
  return { file: corpusName(files), row };
}

/** How error messages name the corpus: the file, or the first file and the count. */
function corpusName(files: readonly string[]): string {
  return files.length === 1 ? String(files[0]) : `${files[0]} (and ${files.length - 1} more files)`;
}

/**
 * Counts rows (needed up front: the store is allocated by row count) and hashes the bytes. An
 * empty corpus and ids that occur twice are input errors naming the file and rows: a store row
 * is looked up by its id (explanations, --out files, the dashboard), so ids must be unique.
 */
export async function scanCorpus(files: readonly string[], limit = Number.POSITIVE_INFINITY): Promise<{ rows: number; revision: string }> {
  let rows = 0;
  const ids = createIdHashes();
  for await (const row of readCorpus(files, limit)) {
    rows++;
    addIdHash(ids, row.id);
  }
  if (rows === 0) throw new InputError(corpusName(files), 'the corpus has no rows (empty, or only blank lines)', 'give a corpus with at least one {"id", "text", "label"} line');
  const dup = await confirmDuplicate(files, repeatedHashes(ids), limit);
  if (dup !== undefined) {
    const where = dup.first.file === dup.second.file ? `rows ${dup.first.row} and ${dup.second.row}` : `${dup.first.file} row ${dup.first.row} and ${dup.second.file} row ${dup.second.row}`;
    throw new InputError(dup.first.file === dup.second.file ? dup.first.file : corpusName(files), `id ${JSON.stringify(dup.id)} occurs twice (${where}): ids must be unique`, 'give every text its own id (without an id column, files of a directory repeat the row numbers 0, 1, ...: add an "id" field)');
  }
  const hash = createHash('sha256');
  for (const f of files) {
    for await (const chunk of createReadStream(f)) hash.update(chunk as Buffer);
  }
  hash.update(`limit=${limit}`);
  return { rows, revision: `sha256:${hash.digest('hex').slice(0, 16)}` };
}

/** All rows in memory (test sets for explain; small). */
export async function loadCorpus(files: readonly string[], limit = Number.POSITIVE_INFINITY): Promise<CorpusRow[]> {
  const out: CorpusRow[] = [];
  for await (const row of readCorpus(files, limit)) out.push(row);
  return out;
}
