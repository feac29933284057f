/**
 * Token rows of a token-head store (`cache --head token`) as XDA inputs. A token store keeps per
 * row only the token string and [text index, position] (`token_offsets`), not the whole text; the
 * text's rows are contiguous (positions 0..n-1 in order), so a row's text is rebuilt exactly from
 * the token strings of its neighbours, and the tokenizer never runs again.
 */
import type { FeatureStoreReader } from '@dualxda/core';
import { InputError } from '../errors.js';
import type { TokenRowInput } from './xda-engine.js';

/**
 * The tokens of `row`'s text (up to `maxTokens`) and the row's position in it. `readTexts` reads
 * the per-row token strings of rows [start, end) (defaults to the store's own reader).
 *
 * @throws InputError when the store has no token offsets or texts (not a token store, or imported).
 * @example
 * const { tokens, position } = await tokenRowInput(store, 17, 128); // tokens[position] is row 17's token
 */
export async function tokenRowInput(store: FeatureStoreReader, row: number, maxTokens: number, readTexts = store.readTexts?.bind(store)): Promise<TokenRowInput> {
  const here = await store.readRows(row, row + 1);
  if (here.tokenOffsets === undefined || readTexts === undefined) throw new InputError(store.path, `row ${row} has no token offsets or token text`, 'rebuild the store with `dualxda cache --head token`');
  const text = here.tokenOffsets[0] as number;
  const position = here.tokenOffsets[1] as number;
  const start = row - position;
  const end = Math.min(store.rows, start + Math.max(maxTokens, position + 1));
  const offsets = (await store.readRows(start, end)).tokenOffsets ?? new Int32Array(0);
  const tokens = await readTexts(start, end);
  let n = 0;
  while (n < end - start && offsets[2 * n] === text && offsets[2 * n + 1] === n) n++;
  if (n <= position) throw new InputError(store.path, `row ${row}: the token rows of its text are not contiguous (position ${position})`, 'rebuild the store with `dualxda cache --head token`');
  return { tokens: tokens.slice(0, n), position };
}

/** True for a store of token rows. */
export function isTokenStore(store: Pick<FeatureStoreReader, 'manifest'>): boolean {
  return store.manifest.head === 'token';
}
