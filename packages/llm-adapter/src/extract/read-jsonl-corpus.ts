import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InvalidOptionError } from '@dualxda/core';
import type { CorpusRow } from './types.js';

/**
 * Streams `{id, text, label}` rows from a JSON-lines file (extra fields such as `label_name`
 * are ignored; blank lines are skipped). Errors name the file and line.
 *
 * @example
 * for await (const row of readJsonlCorpus('assets/corpus/train.jsonl')) console.log(row.id);
 */
export async function* readJsonlCorpus(path: string): AsyncGenerator<CorpusRow> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (cause) {
      throw new InvalidOptionError('corpus', `${path}:${n}: not valid JSON (${String(cause)})`);
    }
    const { id, text, label } = row;
    if (typeof id !== 'string' && typeof id !== 'number') throw new InvalidOptionError('corpus', `${path}:${n}: field "id" must be a string or number`);
    if (typeof text !== 'string') throw new InvalidOptionError('corpus', `${path}:${n}: field "text" must be a string`);
    const isLabel = (v: unknown): v is number | string => typeof v === 'number' || typeof v === 'string';
    if (!isLabel(label) && !(Array.isArray(label) && label.length > 0 && label.every(isLabel))) throw new InvalidOptionError('corpus', `${path}:${n}: field "label" must be a number or class name, or a non-empty list of them (one per word or token)`);
    yield { id, text, label };
  }
}
