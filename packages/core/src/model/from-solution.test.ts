import { describe, expect, it } from 'vitest';
import type { FeatureStoreReader, RowBlock } from '../store/types.js';
import { createDualDAModel } from './from-solution.js';

// A 4-row, 2-dim in-memory store implementing just what createDualDAModel reads.
const feats = [1, 0, 0, 2, 3, 4, 1, 1];
const store = {
  path: 'mem',
  rows: 4,
  dim: 2,
  manifest: { classNames: ['a', 'b'], modelHash: 'mh', datasetRevision: 'dr' },
  async gatherRows(indices: ArrayLike<number>): Promise<RowBlock> {
    const idx = Array.from(indices);
    return {
      start: -1,
      rows: idx.length,
      dim: 2,
      features: Float32Array.from(idx.flatMap((i) => feats.slice(2 * i, 2 * i + 2))),
      labels: new Int32Array(idx.length),
      ids: idx.map((i) => `id${i}`),
      norms: Float32Array.from(idx.map((i) => Math.hypot(feats[2 * i] as number, feats[2 * i + 1] as number))),
      indices: Int32Array.from(idx),
    };
  },
} as unknown as FeatureStoreReader;

const solution = {
  svIndices: Int32Array.from([1, 2]),
  svAlpha: Float64Array.from([0.5, -0.5, -0.1, 0.1]),
  weights: Float64Array.from([-0.3, 0.6, 0.3, -0.6]),
  bias: Float64Array.from([0.4, -0.4]),
  C: 1,
  diagnostics: { iterations: 3 },
};

describe('createDualDAModel', () => {
  it('gathers support-vector features, ids, norms and provenance from the store', async () => {
    const m = await createDualDAModel(store, solution);
    expect(m.svIds).toEqual(['id1', 'id2']);
    expect([...m.svFeatures]).toEqual([0, 2, 3, 4]);
    expect([...m.svNorms]).toEqual([2, 5]);
    expect(m.classNames).toEqual(['a', 'b']);
    expect([m.modelHash, m.datasetRevision]).toEqual(['mh', 'dr']);
    expect(m.diagnostics).toEqual({ iterations: 3 });
  });
  it('rejects out-of-range or unsorted support-vector indices and mismatched weights', async () => {
    await expect(createDualDAModel(store, { ...solution, svIndices: Int32Array.from([1, 9]) })).rejects.toThrow(/svIndices.*outside/);
    await expect(createDualDAModel(store, { ...solution, svIndices: Int32Array.from([2, 1]) })).rejects.toThrow(/ascending/);
    await expect(createDualDAModel(store, { ...solution, weights: new Float64Array(6) })).rejects.toThrow(/weights/);
  });
});
