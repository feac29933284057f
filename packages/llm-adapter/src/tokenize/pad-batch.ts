/** One padded batch as int64 tensors for ONNX Runtime (row-major [rows, seqLen]). */
export interface PaddedBatch {
  rows: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Real (non-pad) length of each row. */
  lengths: Int32Array;
}

/**
 * Right-pads sequences to the longest one. Right padding keeps every real token at the same
 * position as unpadded, for encoders and causal decoders alike.
 *
 * @example
 * padBatch([[2, 5, 3], [2, 3]], 0).attentionMask; // [1,1,1, 1,1,0]
 */
export function padBatch(seqs: readonly (readonly number[])[], padId: number): PaddedBatch {
  const rows = seqs.length;
  let seqLen = 0;
  for (const s of seqs) if (s.length > seqLen) seqLen = s.length;
  const inputIds = new BigInt64Array(rows * seqLen).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows * seqLen);
  const lengths = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const s = seqs[r] as readonly number[];
    lengths[r] = s.length;
    const base = r * seqLen;
    for (let t = 0; t < s.length; t++) {
      inputIds[base + t] = BigInt(s[t] as number);
      attentionMask[base + t] = 1n;
    }
  }
  return { rows, seqLen, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(rows * seqLen), lengths };
}
