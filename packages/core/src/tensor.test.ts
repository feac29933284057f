import { describe, expect, it } from 'vitest';
import { createTensor, rowMajorStrides, shapeSize } from './tensor.js';

describe('tensor', () => {
  it('computes row-major strides', () => {
    expect(rowMajorStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(rowMajorStrides([])).toEqual([]);
  });
  it('allocates zeros of the right size and rejects mismatched data', () => {
    const t = createTensor('float32', [2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data.length).toBe(6);
    expect(shapeSize([0, 5])).toBe(0);
    expect(() => createTensor('int32', [2, 2], new Int32Array(3))).toThrow(/needs 4/);
    expect(() => createTensor('int32', [-1])).toThrow(/invalid shape/);
  });
});
