/**
 * Gold labels of an `explain --test FILE.jsonl` corpus, checked against the fitted model's classes
 * the way `cache` checks training labels: a class index in [0, K) or a class name. An unknown
 * label is an error naming the file, row and id, not a silently missing gold label.
 */
import type { CorpusRow } from '@dualxda/core';
import { InputError } from '../errors.js';

/**
 * Class ids of `rows`' labels; throws `InputError` on the first label that is not a class.
 *
 * @example
 * goldLabels([{ id: 'a', text: 'hi', label: 'spam' }], ['ham', 'spam'], 'test.jsonl'); // Int32Array [1]
 */
export function goldLabels(rows: readonly CorpusRow[], classNames: readonly string[], source: string): Int32Array {
  const K = classNames.length;
  const out = new Int32Array(rows.length);
  const index = new Map(classNames.map((name, k) => [name, k]));
  const shown = classNames.slice(0, 10).map((c) => JSON.stringify(c)).join(', ') + (K > 10 ? `, … (${K} classes)` : '');
  rows.forEach((r, i) => {
    if (Array.isArray(r.label)) throw new InputError(source, `row ${i} (id ${JSON.stringify(r.id)}): gold label is a list (per-token labels), but the store is not a token-head store`, 'give one label per text, or explain against a store cached with --head token');
    const k = typeof r.label === 'number' ? r.label : index.get(r.label);
    if (k === undefined || !Number.isInteger(k) || k < 0 || k >= K) {
      throw new InputError(
        source,
        `row ${i} (id ${JSON.stringify(r.id)}): gold label ${JSON.stringify(r.label)} is not a class of the fitted model (an integer in [0, ${K - 1}] or one of ${shown})`,
        'fix the label, or check that --test belongs to this store (`dualxda inspect STORE` lists its classes)',
      );
    }
    out[i] = k;
  });
  return out;
}
