import { InvalidOptionError, type RowBatch } from '@dualxda/core';
import type { ExtractedChunk } from './types.js';

/**
 * Token-head stores have one row per token, so a shard's chunk-aligned row range cuts through
 * texts. These helpers map between store rows and corpus texts with `rowStarts` (the store row of
 * each text's first token, length texts + 1, from `countTokenRows`): a shard runs every corpus
 * chunk that touches its rows and keeps only its own rows, so a text cut by a shard boundary is
 * embedded by both neighbours in the same batch as an unsharded run (same bytes).
 */
export interface RowSpan {
  start: number;
  end: number;
}

/** First index i with rowStarts[i] > row. */
function upperBound(rowStarts: ArrayLike<number>, row: number): number {
  let lo = 0;
  let hi = rowStarts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rowStarts[mid] as number) <= row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Store rows of texts [first, end). */
export function rowsOfTexts(rowStarts: ArrayLike<number>, first: number, end: number): RowSpan {
  const texts = rowStarts.length - 1;
  return { start: rowStarts[Math.min(first, texts)] as number, end: rowStarts[Math.min(end, texts)] as number };
}

/** Corpus chunks [start, end) whose texts have a token row in `rows`. */
export function corpusChunksOfRows(rowStarts: ArrayLike<number>, rows: RowSpan, chunkRows: number): RowSpan {
  if (rows.end <= rows.start) return { start: 0, end: 0 };
  const firstText = upperBound(rowStarts, rows.start) - 1;
  const lastText = upperBound(rowStarts, rows.end - 1) - 1;
  return { start: Math.floor(firstText / chunkRows), end: Math.floor(lastText / chunkRows) + 1 };
}

/** True when no row of `span` is in `missing` (sorted, disjoint ranges). */
export function spanIsDone(span: RowSpan, missing: readonly RowSpan[]): boolean {
  for (const m of missing) if (m.start < span.end && m.end > span.start) return false;
  return true;
}

/** Rows [from, to) of a chunk's batch (features, labels, ids, offsets, texts, logits). */
export function sliceRows(batch: ExtractedChunk['batch'], from: number, to: number): RowBatch {
  const rows = batch.labels.length;
  if (from === 0 && to === rows) return batch;
  const d = batch.features.length / rows;
  const out: RowBatch = {
    features: batch.features.subarray(from * d, to * d),
    labels: Int32Array.from({ length: to - from }, (_, i) => batch.labels[from + i] as number),
    ids: batch.ids.slice(from, to),
    texts: batch.texts.slice(from, to),
  };
  if (batch.tokenOffsets !== undefined) out.tokenOffsets = batch.tokenOffsets.subarray(2 * from, 2 * to);
  if (batch.logits !== undefined) {
    const k = batch.logits.length / rows;
    out.logits = batch.logits.subarray(from * k, to * k);
  }
  return out;
}

/** Checks a chunk's token rows against the counting pass (a changed corpus or tokenizer). */
export function checkTokenRows(chunk: ExtractedChunk, span: RowSpan): void {
  const texts = chunk.textCount;
  const rows = chunk.batch.labels.length;
  if (rows !== span.end - span.start) {
    throw new InvalidOptionError(
      'textRowStarts',
      `texts ${chunk.firstText}..${chunk.firstText + texts - 1} gave ${rows} token rows, the counting pass said ${span.end - span.start} (corpus, tokenizer or max length changed since)`,
    );
  }
}
