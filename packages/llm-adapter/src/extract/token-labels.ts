import { InvalidOptionError } from '@dualxda/core';
import type { Tokenizer } from '../checkpoint/load-tokenizer.js';

/** Where a corpus row is, for error messages. */
export interface LabelRowRef {
  /** Corpus row index. */
  row: number;
  id: string;
}

/**
 * Aligns a per-token gold label list to the token rows of one text (token head). Two lengths are
 * accepted, tried in this order:
 *
 * - **token level**: one label per token of the full encoding, special tokens included
 *   (`tokenizer.encode(text).length`); each kept token row gets the label of its own position;
 * - **word level**: one label per whitespace-separated word; every word piece gets its word's label
 *   (not -100: every store row needs a label for the fit), and the special tokens get the label
 *   of the nearest word (leading ones the first word's, trailing ones the last word's). This needs
 *   a tokenizer whose pieces follow whitespace words (BERT WordPiece, SentencePiece with `▁`,
 *   byte-level BPE), which is checked: the words' pieces must concatenate to the text's tokens.
 *
 * Truncation to `maxLength` follows `encodeTexts`: content is cut on the right and the trailing
 * special tokens are kept, so row p < kept − tail is token p and the last `tail` rows are the
 * text's trailing special tokens.
 *
 * @param keptLength token rows stored for this text (after truncation).
 * @returns one label (index or class name, as given) per kept token row.
 * @throws InvalidOptionError `corpus.label` naming the row and id when the length fits neither.
 * @example
 * alignTokenLabels(tok, 'Ann lives', [1, 0], 4, { row: 0, id: 'a' }); // [1, 1, 0, 0] with [CLS] … [SEP]
 */
export function alignTokenLabels(tokenizer: Tokenizer, text: string, labels: readonly (number | string)[], keptLength: number, where: LabelRowRef): (number | string)[] {
  const full = tokenizer.encode(text);
  const special = new Set(tokenizer.all_special_ids);
  let lead = 0;
  while (lead < full.length && special.has(full[lead] as number)) lead++;
  let tail = 0;
  while (tail < full.length - lead && special.has(full[full.length - 1 - tail] as number)) tail++;
  // Full-encoding index of each kept row (encodeTexts keeps the first kept − tail tokens and the trailing specials).
  const fullIndex = (p: number): number => (keptLength === full.length || p < keptLength - tail ? p : full.length - (keptLength - p));
  if (labels.length === full.length) return Array.from({ length: keptLength }, (_, p) => labels[fullIndex(p)] as number | string);
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  if (labels.length !== words.length) {
    throw new InvalidOptionError('corpus.label', `row ${where.row} (id ${where.id}): ${labels.length} labels fit neither the ${words.length} whitespace-separated words nor the ${full.length} tokens (special tokens included) of the text; give one label per word or one per token`);
  }
  const wordOf = wordIndexPerToken(tokenizer, words, full.slice(lead, full.length - tail), where);
  const last = words.length - 1;
  return Array.from({ length: keptLength }, (_, p) => {
    const i = fullIndex(p);
    const w = i < lead ? 0 : i >= full.length - tail ? last : (wordOf[i - lead] as number);
    return labels[w] as number | string;
  });
}

/** Word index of each content token, from the pieces of each word encoded alone. */
function wordIndexPerToken(tokenizer: Tokenizer, words: readonly string[], content: readonly number[], where: LabelRowRef): Int32Array {
  const out = new Int32Array(content.length);
  let t = 0;
  for (let w = 0; w < words.length; w++) {
    const pieces = tokenizer.encode(words[w] as string, { add_special_tokens: false });
    for (const id of pieces) {
      if (content[t] !== id) {
        throw new InvalidOptionError('corpus.label', `row ${where.row} (id ${where.id}): one label per word needs the tokenizer's pieces to follow whitespace words, but word ${w} (${JSON.stringify(words[w])}) tokenises differently inside the text; give one label per token (${content.length} content tokens plus the special tokens)`);
      }
      out[t++] = w;
    }
  }
  if (t !== content.length) throw new InvalidOptionError('corpus.label', `row ${where.row} (id ${where.id}): the words' pieces (${t}) do not add up to the text's ${content.length} content tokens; give one label per token`);
  return out;
}
