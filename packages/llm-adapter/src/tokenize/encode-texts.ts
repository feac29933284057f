import { EmptyTextError } from '../errors.js';
import type { Tokenizer } from '../checkpoint/load-tokenizer.js';

/** Token ids of several texts, special tokens included, truncated to a maximum length. */
export interface EncodedTexts {
  ids: number[][];
  /** Whether each text was cut to fit `maxLength`. */
  truncated: boolean[];
  /** Number of truncated texts. */
  truncatedCount: number;
}

/** Where the texts come from, for error messages, and whether to use the prefix shortcut. */
export interface EncodeContext {
  /** Corpus row of `texts[0]` (default 0). */
  firstIndex?: number;
  /** Row ids, named in errors. */
  ids?: readonly string[];
  /** Tokenise only a whitespace-cut prefix of long texts when that is provably exact (default true). */
  prefixShortcut?: boolean;
}

/** Characters of prefix per allowed token before the shortcut is tried (tokens average < 5 chars). */
const PREFIX_CHARS_PER_TOKEN = 8;
/** Pre-tokenizers that split on whitespace first, so a prefix cut at whitespace tokenises to a prefix of the tokens. */
const PREFIX_SAFE_PRE_TOKENIZERS = new Set(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit']);

/**
 * Tokenises texts with special tokens and truncates each to `maxLength` the way HF does for one
 * sequence: content tokens are dropped from the right and the leading/trailing special tokens
 * (`[CLS]`/`[SEP]`, `<s>`) are kept. (transformers.js's own `truncation` drops the final `[SEP]`.)
 *
 * Long texts (e-mails) would spend most of the time tokenising text that is cut anyway: for
 * whitespace-splitting tokenizers only a prefix cut at a whitespace is tokenised, and the result
 * is used only if it already overflows `maxLength`, which makes it identical to the full result.
 *
 * @throws EmptyTextError for an empty or whitespace-only text.
 * @example
 * encodeTexts(tok, ['hello world'], 128).ids[0]; // [2, 812, 1034, 3]
 */
export function encodeTexts(tokenizer: Tokenizer, texts: readonly string[], maxLength: number, context: EncodeContext = {}): EncodedTexts {
  const { firstIndex = 0, ids, prefixShortcut = true } = context;
  const special = new Set(tokenizer.all_special_ids);
  const preTokenizer = (tokenizer._tokenizerJSON as { pre_tokenizer?: { type?: string } | null }).pre_tokenizer?.type ?? '';
  const budget = prefixShortcut && PREFIX_SAFE_PRE_TOKENIZERS.has(preTokenizer) ? maxLength * PREFIX_CHARS_PER_TOKEN : Number.POSITIVE_INFINITY;
  const out: EncodedTexts = { ids: [], truncated: [], truncatedCount: 0 };
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] as string;
    if (text.trim().length === 0) throw new EmptyTextError(firstIndex + i, ids?.[i]);
    let full: number[] | null = null;
    if (text.length > budget) {
      const cut = text.slice(budget).search(/\s/);
      if (cut >= 0) {
        const head = tokenizer.encode(text.slice(0, budget + cut));
        if (head.length > maxLength) full = head;
      }
    }
    full ??= tokenizer.encode(text);
    if (full.length <= maxLength) {
      out.ids.push(full);
      out.truncated.push(false);
      continue;
    }
    let tail = 0;
    while (tail < full.length && special.has(full[full.length - 1 - tail] as number)) tail++;
    const keep = Math.max(0, maxLength - tail);
    out.ids.push([...full.slice(0, keep), ...full.slice(full.length - tail)].slice(0, maxLength));
    out.truncated.push(true);
    out.truncatedCount++;
  }
  return out;
}
