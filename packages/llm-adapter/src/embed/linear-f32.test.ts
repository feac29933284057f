import { describe, expect, it } from 'vitest';
import { linearF32 } from './linear-f32.js';

describe('linearF32', () => {
  it('computes x·Wᵀ + b per row (hand-checked 2x3 · 3x2)', () => {
    const x = Float32Array.from([1, 2, 3, -1, 0, 2]);
    const w = Float32Array.from([1, 0, 1, 0.5, -1, 2]);
    const out = linearF32(2, 3, 2, x, w, Float32Array.from([10, 0]), new Float32Array(4));
    expect(Array.from(out)).toEqual([1 + 3 + 10, 0.5 - 2 + 6, -1 + 2 + 10, -0.5 + 4]);
  });
  it('treats a null bias as zero and handles zero rows', () => {
    expect(Array.from(linearF32(1, 2, 1, Float32Array.from([3, 4]), Float32Array.from([1, 1]), null, new Float32Array(1)))).toEqual([7]);
    expect(linearF32(0, 2, 1, new Float32Array(0), Float32Array.from([1, 1]), null, new Float32Array(0)).length).toBe(0);
  });
  it('propagates NaN and rejects undersized buffers', () => {
    expect(Number.isNaN(linearF32(1, 1, 1, Float32Array.from([NaN]), Float32Array.from([1]), null, new Float32Array(1))[0])).toBe(true);
    expect(() => linearF32(2, 2, 1, new Float32Array(2), new Float32Array(2), null, new Float32Array(2))).toThrow(RangeError);
  });
});
