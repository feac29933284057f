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
});
