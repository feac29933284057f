/**
 * Word-level view of a token heatmap: wordpieces merged back into words. Relevance is additive
 * (LRP conserves it), so a word's relevance is the sum of its pieces' and the budget still adds up.
 *
 * Two conventions are recognised: BERT WordPiece marks a continuation with a `##` prefix;
 * SentencePiece (`▁`) and byte-level BPE (`Ġ`) instead mark the piece that starts a word, so there
 * an unmarked piece continues the previous one.
 */

/** One displayed unit: a word (or a single token in token view) with its summed relevance. */
export interface HeatmapUnit {
  text: string;
  score: number;
  /** Token positions [from, to) it covers. */
  from: number;
  to: number;
}

/** Template tokens ([CLS], [SEP], <s>, ...) that collect relevance shared by every input. */
const SPECIAL_TOKEN = /^(\[(CLS|SEP|PAD|UNK|MASK)\]|<\/?s>|<pad>|<unk>|<\|[a-z_]+\|>)$/;

/** True for template tokens such as `[CLS]`, `[SEP]`, `<s>`. */
export function isSpecialToken(token: string): boolean {
  return SPECIAL_TOKEN.test(token);
}

const WORD_START = /^[▁Ġ]/;

/** True when the tokens use a word-start marker (SentencePiece `▁`, byte-level BPE `Ġ`). */
export function usesWordStartMarker(tokens: readonly string[]): boolean {
  return tokens.some((t) => WORD_START.test(t));
}

/** Each token as its own unit (the token view). */
export function tokenUnits(tokens: readonly string[], scores: readonly number[]): HeatmapUnit[] {
  return tokens.map((text, i) => ({ text, score: scores[i] ?? 0, from: i, to: i + 1 }));
}

/**
 * Merges wordpieces into words, summing their relevance. Special tokens stay on their own; a
 * continuation with nothing before it starts a word.
 *
 * @example
 * mergeWordpieces(['[CLS]', 'un', '##believ', '##able', '[SEP]'], [0.1, 0.2, 0.3, 0.4, 0.5])
 * // → [CLS] 0.1, unbelievable 0.9, [SEP] 0.5
 */
export function mergeWordpieces(tokens: readonly string[], scores: readonly number[]): HeatmapUnit[] {
  const startMarked = usesWordStartMarker(tokens);
  const units: HeatmapUnit[] = [];
  let open: HeatmapUnit | undefined;
  tokens.forEach((token, i) => {
    const score = scores[i] ?? 0;
    if (isSpecialToken(token)) {
      units.push({ text: token, score, from: i, to: i + 1 });
      open = undefined;
      return;
    }
    const continues = startMarked ? !WORD_START.test(token) : token.startsWith('##');
    const text = startMarked ? token.replace(WORD_START, '') : continues ? token.slice(2) : token;
    if (continues && open !== undefined) {
      open.text += text;
      open.score += score;
      open.to = i + 1;
      return;
    }
    open = { text, score, from: i, to: i + 1 };
    units.push(open);
  });
  return units;
}
