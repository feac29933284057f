import type { PaddedBatch } from '../tokenize/pad-batch.js';

/** Collects batch outputs (in length-sorted order) back into input order. */
export interface RowAccumulator {
  addSequences(batch: readonly number[], features: Float32Array): void;
  addTokens(batch: readonly number[], padded: PaddedBatch, hidden: Float32Array, ids: readonly (readonly number[])[]): void;
  /** Sequence feature from `last_hidden_state` when the graph has no `features` output. */
  pool(padded: PaddedBatch, hidden: Float32Array, pooling: 'first' | 'last-non-pad'): Float32Array;
  finish(): { features: Float32Array; dim: number; rows: number; tokenOffsets: Int32Array | null; tokenIds: Int32Array | null };
}

/**
 * Accumulator for sequence rows: row i = text i. The dimension is taken from the first batch.
 *
 * @example
 * const acc = scatterSequenceRows(2); acc.addSequences([1, 0], feats); acc.finish().features;
 */
export function scatterSequenceRows(n: number): RowAccumulator {
  let out: Float32Array | null = null;
  let dim = 0;
  return {
    addSequences(batch, features) {
      dim = features.length / batch.length;
      out ??= new Float32Array(n * dim);
      for (let b = 0; b < batch.length; b++) out.set(features.subarray(b * dim, (b + 1) * dim), (batch[b] as number) * dim);
    },
    addTokens() {
      throw new Error('scatterSequenceRows: token rows added to a sequence accumulator');
    },
    pool(padded, hidden, pooling) {
      const h = hidden.length / (padded.rows * padded.seqLen);
      const feats = new Float32Array(padded.rows * h);
      for (let r = 0; r < padded.rows; r++) {
        const t = pooling === 'first' ? 0 : (padded.lengths[r] as number) - 1;
        feats.set(hidden.subarray((r * padded.seqLen + t) * h, (r * padded.seqLen + t + 1) * h), r * h);
      }
      return feats;
    },
    finish: () => ({ features: out ?? new Float32Array(0), dim, rows: n, tokenOffsets: null, tokenIds: null }),
  };
}

/**
 * Accumulator for token rows: text i's tokens occupy rows start[i] .. start[i] + lengths[i],
 * one row per real (non-pad) token, in position order.
 */
export function scatterTokenRows(lengths: Int32Array, dim: number): RowAccumulator {
  const start = new Int32Array(lengths.length + 1);
  for (let i = 0; i < lengths.length; i++) start[i + 1] = (start[i] as number) + (lengths[i] as number);
  const rows = start[lengths.length] as number;
  const features = new Float32Array(rows * dim);
  const tokenOffsets = new Int32Array(rows * 2);
  const tokenIds = new Int32Array(rows);
  return {
    addSequences() {
      throw new Error('scatterTokenRows: sequence rows added to a token accumulator');
    },
    addTokens(batch, padded, hidden, ids) {
      for (let b = 0; b < batch.length; b++) {
        const text = batch[b] as number;
        const len = lengths[text] as number;
        const row0 = start[text] as number;
        const src = b * padded.seqLen * dim;
        features.set(hidden.subarray(src, src + len * dim), row0 * dim);
        const seq = ids[text] as readonly number[];
        for (let t = 0; t < len; t++) {
          tokenOffsets[2 * (row0 + t)] = text;
          tokenOffsets[2 * (row0 + t) + 1] = t;
          tokenIds[row0 + t] = seq[t] as number;
        }
      }
    },
    pool() {
      throw new Error('scatterTokenRows: pooling is for sequence rows');
    },
    finish: () => ({ features, dim, rows, tokenOffsets, tokenIds }),
  };
}
