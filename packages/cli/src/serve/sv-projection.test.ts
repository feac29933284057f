import { describe, expect, it } from 'vitest';
import { projectSupportVectors } from './sv-projection.js';

/** Points on a tilted plane in 5-D: large spread along a, smaller along b, tiny noise elsewhere. */
function plane(n: number): { count: number; dim: number; indices: Int32Array; labels: Int32Array; features: Float32Array } {
  const a = [0.6, 0.8, 0, 0, 0];
  const b = [0, 0, 0, 0.6, 0.8];
  const features = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    const s = 10 * Math.sin(i * 1.7);
    const t = 3 * Math.cos(i * 2.3);
    for (let j = 0; j < 5; j++) features[i * 5 + j] = 4 + s * (a[j] as number) + t * (b[j] as number) + (j === 2 ? 0.01 * Math.sin(i) : 0);
  }
  return { count: n, dim: 5, indices: Int32Array.from({ length: n }, (_, i) => 10 + i), labels: Int32Array.from({ length: n }, (_, i) => i % 3), features };
}

describe('support-vector projection (PCA)', () => {
  it('finds the two directions of largest spread and their variance shares', () => {
    const p = projectSupportVectors(plane(400));
    expect(p.points).toHaveLength(400);
    expect(p.explained[0]).toBeGreaterThan(p.explained[1]);
    expect(p.explained[0] + p.explained[1]).toBeGreaterThan(0.999);
    // The first coordinate recovers s = 10 sin(1.7 i) up to sign.
    const s = p.points.map((_, i) => 10 * Math.sin(i * 1.7));
    const corr = p.points.reduce((acc, q, i) => acc + q.x * (s[i] as number), 0) / Math.sqrt(p.points.reduce((a, q) => a + q.x ** 2, 0) * s.reduce((a, v) => a + v ** 2, 0));
    expect(Math.abs(corr)).toBeGreaterThan(0.99);
    expect(p.points[3]).toMatchObject({ row: 13, label: 0 });
  });

  it('samples at most `max` support vectors, evenly, and says how many there are', () => {
    const p = projectSupportVectors(plane(50), 10);
    expect(p.points.map((q) => q.row)).toEqual([10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    expect(p.total).toBe(50);
  });
});
