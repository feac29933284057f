/**
 * What a heatmap says at a glance: its top supporting and opposing words, and whether the model
 * saw all of the text (a text is cut to the model's max tokens; the server cuts a response's
 * token lists to MAX_TOKENS).
 */
import { isSpecialToken, type HeatmapUnit } from './wordpiece-merge.js';

/** Tokens per side that `/api/xda` returns at most (MAX_TOKENS in packages/cli/src/serve/api-xda.ts). */
export const RESPONSE_MAX_TOKENS = 4096;

/** The `k` units with the largest positive and the largest negative relevance (template tokens left out). */
export function rankUnits(units: readonly HeatmapUnit[], k: number): { positive: HeatmapUnit[]; negative: HeatmapUnit[] } {
  const content = units.filter((u) => !isSpecialToken(u.text) && Number.isFinite(u.score));
  const positive = content.filter((u) => u.score > 0).sort((a, b) => b.score - a.score || a.from - b.from);
  const negative = content.filter((u) => u.score < 0).sort((a, b) => a.score - b.score || a.from - b.from);
  return { positive: positive.slice(0, k), negative: negative.slice(0, k) };
}

/** Letters and digits only, lower-cased, accents dropped: what both a text and its wordpieces spell. */
function spelling(s: string): string {
  return s.normalize('NFD').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Share of `text` below which a heatmap counts as cut (tokenisers drop a few odd characters). */
const COVERED = 0.97;

/**
 * Says whether the heatmap covers only the start of `text`, or undefined when it covers it all.
 * Compares what the tokens spell with what the text spells, so it needs no tokenizer.
 *
 * @example
 * truncationNote(['[CLS]', 'free', '[SEP]'], 'free entry in a weekly draw') // 'cut after 3 tokens: …'
 */
export function truncationNote(tokens: readonly string[], text: string | undefined, maxTokens = RESPONSE_MAX_TOKENS): string | undefined {
  if (tokens.length >= maxTokens) return `cut after ${tokens.length.toLocaleString()} tokens (the most a response carries)`;
  if (text === undefined) return undefined;
  const pieces = tokens.filter((t) => !isSpecialToken(t));
  const unknown = tokens.filter((t) => t === '[UNK]' || t === '<unk>').length;
  const seen = spelling(pieces.map((t) => t.replace(/^(##|▁|Ġ)/, '')).join(''));
  const total = spelling(text);
  // An [UNK] stands for a word the tokens cannot spell: allow a few characters for each.
  if (total.length === 0 || seen.length + 4 * unknown >= COVERED * total.length) return undefined;
  const share = Math.max(0, Math.min(99, Math.floor((100 * seen.length) / total.length)));
  return `cut after ${tokens.length.toLocaleString()} tokens, the model's limit: it saw about ${share}% of the text`;
}
