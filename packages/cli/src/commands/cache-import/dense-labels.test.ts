import { describe, expect, it } from 'vitest';
import { denseLabels } from './index.js';

describe('denseLabels', () => {
  it('counts the classes of 300k labels that are already 0..K-1 (no call-stack overflow)', () => {
    const labels = Int32Array.from({ length: 300_000 }, (_, i) => i % 3);
    const dense = denseLabels(labels);
    expect(dense.numClasses).toBe(3);
    expect(dense.mapping).toBeUndefined();
    expect(dense.labels).toBe(labels);
  });

  it('remaps sparse label values to 0..K-1 and keeps the originals', () => {
    const dense = denseLabels(Int32Array.from([7, -2, 7, 40]));
    expect([...dense.labels]).toEqual([1, 0, 1, 2]);
    expect(dense.mapping).toEqual([-2, 7, 40]);
    expect(dense.numClasses).toBe(3);
  });

  it('keeps label ids that lie within --class-names, also when a split holds one class', () => {
    const dense = denseLabels(Int32Array.from([1, 1, 1]), 2);
    expect([...dense.labels]).toEqual([1, 1, 1]);
    expect(dense).toMatchObject({ numClasses: 2, present: 1 });
    expect(dense.mapping).toBeUndefined();
    // Outside [0, names) the labels are remapped as before (and the name count then must match).
    expect(denseLabels(Int32Array.from([5, 7]), 2)).toMatchObject({ mapping: [5, 7], numClasses: 2, present: 2 });
  });
});
