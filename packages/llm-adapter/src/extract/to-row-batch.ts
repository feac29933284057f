import { InvalidOptionError } from '@dualxda/core';
import type { EmbedResult } from '../embed/embed-texts.js';
import type { CorpusRow, ExtractedChunk } from './types.js';

/**
 * Turns one chunk's embedding into store rows. Token rows repeat their text's id and label and
 * carry [corpus text index, position] offsets.
 */
export function toRowBatch(
  index: number,
  firstText: number,
  rows: readonly CorpusRow[],
  ids: string[],
  emb: EmbedResult,
  classNames: readonly string[],
  vocab: readonly string[],
): ExtractedChunk {
  const textLabels = rows.map((r, i) => labelIndex(r.label, classNames, firstText + i, ids[i] as string));
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
  for (let r = 0; r < emb.rows; r++) {
    const local = offsets[2 * r] as number;
    labels[r] = textLabels[local] as number;
    rowIds[r] = ids[local] as string;
    texts[r] = vocab[emb.tokenIds[r] as number] ?? '';
    offsets[2 * r] = firstText + local;
  }
  return { index, firstText, textCount: rows.length, batch: { features: emb.features, labels, ids: rowIds, tokenOffsets: offsets, texts, ...logits }, tokens, truncated };
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
