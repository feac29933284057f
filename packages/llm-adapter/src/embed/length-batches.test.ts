import { describe, expect, it } from 'vitest';
import { lengthBatches } from './length-batches.js';

describe('lengthBatches', () => {
  it('sorts by length (stable) and cuts runs of batchSize', () => {
    expect(lengthBatches([5, 1, 4, 2, 1], 2)).toEqual([[1, 4], [3, 2], [0]]);
  });
  it('covers every index exactly once, and nothing for no input', () => {
    const b = lengthBatches([3, 3, 3, 9, 1, 7, 2], 3);
    expect(b.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(lengthBatches([], 4)).toEqual([]);
  });
});
