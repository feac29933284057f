import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readCorpus as readCorpusBatches, type CorpusRow } from '@dualxda/core';
import { InputError } from '../errors.js';
import { isDirectory } from '../lib/inputs.js';

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

/** Counts rows (needed up front: the store is allocated by row count) and hashes the bytes. */
export async function scanCorpus(files: readonly string[], limit = Number.POSITIVE_INFINITY): Promise<{ rows: number; revision: string }> {
  let rows = 0;
  for await (const _row of readCorpus(files, limit)) rows++;
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
