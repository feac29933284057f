import { describe, expect, it } from 'vitest';
import { padBatch } from './pad-batch.js';

describe('padBatch', () => {
  it('right-pads with the pad id and masks the padding', () => {
    const b = padBatch([[2, 5, 3], [2, 3]], 7);
    expect([b.rows, b.seqLen]).toEqual([2, 3]);
    expect(Array.from(b.inputIds, Number)).toEqual([2, 5, 3, 2, 3, 7]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(Array.from(b.tokenTypeIds, Number)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(b.lengths)).toEqual([3, 2]);
  });
  it('handles an empty batch', () => {
    expect(padBatch([], 0)).toMatchObject({ rows: 0, seqLen: 0 });
  });
});
