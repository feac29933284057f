import { InvalidOptionError } from '@dualxda/core';
import type { Tokenizer } from '../checkpoint/load-tokenizer.js';
import type { EmbedResult } from '../embed/embed-texts.js';
import { alignTokenLabels } from './token-labels.js';
import type { CorpusRow, ExtractedChunk } from './types.js';

/** Id of a token row: the text's id, `#`, the token's position (special tokens counted). */
export function tokenRowId(textId: string, position: number): string {
  return `${textId}#${position}`;
}

/**
 * Turns one chunk's embedding into store rows. Token rows get ids `textId#position` (so every
 * token row can be looked up by id), their text's label or, for a label list, the aligned
 * per-token label (`alignTokenLabels`, which needs `tokenizer`), or for a causal-LM head the next
 * token's id (`EmbedResult.lmLabels`), and [corpus text index, position] offsets.
 */
export function toRowBatch(
  index: number,
  firstText: number,
  rows: readonly CorpusRow[],
  ids: string[],
  emb: EmbedResult,
  classNames: readonly string[],
  vocab: readonly string[],
  tokenizer?: Tokenizer,
): ExtractedChunk {
  const token = emb.tokenOffsets !== null && emb.tokenIds !== null;
  // Causal-LM rows are labelled by their next token; the corpus `label` is not used (nor checked).
  const next = emb.lmLabels;
  const textLabels = next !== null ? [] : rows.map((r, i) => (Array.isArray(r.label) ? listLabel(token, firstText + i, ids[i] as string) : labelIndex(r.label, classNames, firstText + i, ids[i] as string)));
  let tokens = 0;
  for (const n of emb.lengths) tokens += n;
  const truncated = emb.truncatedIndices.map((i) => firstText + i);
  const logits = emb.logits === null ? {} : { logits: emb.logits };
  if (emb.tokenOffsets === null || emb.tokenIds === null) {
    const batch = { features: emb.features, labels: Int32Array.from(textLabels), ids, texts: rows.map((r) => r.text), ...logits };
    return { index, firstText, textCount: rows.length, batch, tokens, truncated };
  }
  const labels = new Int32Array(emb.rows);
  const rowIds: string[] = new Array<string>(emb.rows);
  const texts: string[] = new Array<string>(emb.rows);
  const offsets = new Int32Array(emb.tokenOffsets);
  const perToken = rows.map((row, i) => (next === null && Array.isArray(row.label) ? tokenLabels(row, emb.lengths[i] as number, classNames, firstText + i, ids[i] as string, tokenizer) : null));
  for (let r = 0; r < emb.rows; r++) {
    const local = offsets[2 * r] as number;
    const position = offsets[2 * r + 1] as number;
    labels[r] = next !== null ? (next[r] as number) : (perToken[local]?.[position] ?? (textLabels[local] as number));
    rowIds[r] = tokenRowId(ids[local] as string, position);
    texts[r] = vocab[emb.tokenIds[r] as number] ?? '';
    offsets[2 * r] = firstText + local;
  }
  return { index, firstText, textCount: rows.length, batch: { features: emb.features, labels, ids: rowIds, tokenOffsets: offsets, texts, ...logits }, tokens, truncated };
}

/** A label list is only meaningful for token rows; the text-level slot is unused (-1). */
function listLabel(token: boolean, row: number, id: string): number {
  if (!token) throw new InvalidOptionError('corpus.label', `row ${row} (id ${id}): a list of labels is per-token gold (token classification); cache with --head token, or give one label per text`);
  return -1;
}

function tokenLabels(row: CorpusRow, kept: number, classNames: readonly string[], index: number, id: string, tokenizer: Tokenizer | undefined): Int32Array {
  if (tokenizer === undefined) throw new InvalidOptionError('tokenizer', 'per-token label lists need the tokenizer to align them to tokens');
  const aligned = alignTokenLabels(tokenizer, row.text, row.label as (number | string)[], kept, { row: index, id });
  return Int32Array.from(aligned, (l) => labelIndex(l, classNames, index, id));
}

function labelIndex(label: number | string, classNames: readonly string[], row: number, id: string): number {
  const k = classNames.length;
  const idx = typeof label === 'string' ? classNames.indexOf(label) : label;
  if (!Number.isInteger(idx) || idx < 0 || (k > 0 && idx >= k)) {
    const want = k > 0 ? `an integer in [0, ${k - 1}] or one of ${classNames.join(', ')}` : 'a non-negative integer';
    throw new InvalidOptionError('corpus.label', `row ${row} (id ${id}): label ${JSON.stringify(label)} must be ${want}`);
  }
  return idx;
}
