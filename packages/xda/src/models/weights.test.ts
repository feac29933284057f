import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gatherRows, takeTable, transposedWeights } from './weights.js';

describe('model weight helpers', () => {
  it('adds transposed weight copies until the byte budget is spent', () => {
    const add = transposedWeights(4 * 6 + 4 * 6);
    const w = () => ({ weight: tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]) });
    const [a, b, c] = [add(w()), add(w()), add(w())];
    expect(a.weightT?.shape).toEqual([3, 2]);
    expect(Array.from(a.weightT?.dataSync() ?? [])).toEqual([1, 4, 2, 5, 3, 6]);
    expect(b.weightT).toBeDefined();
    expect(c.weightT).toBeUndefined();
  });

  it('gathers embedding rows, adds a second table in float32 and names a row out of range', () => {
    const weights = new Map([['t', { shape: [3, 2], data: Float32Array.from([0, 1, 2, 3, 4, 5]) }], ['u', { shape: [2, 2], data: Float32Array.from([0.1, 0.2, 0.3, 0.4]) }]]);
    const t = takeTable(weights, 't', [3, 2]);
    const u = takeTable(weights, 'u', [2, 2]);
    const got = gatherRows(t, [[2, 0]], { table: u, ids: [[1, 0]] });
    expect(got.shape).toEqual([1, 2, 2]);
    expect(Array.from(got.dataSync())).toEqual(([[4, 0.3], [5, 0.4], [0, 0.1], [1, 0.2]] as const).map(([a, b]) => Math.fround(a + Math.fround(b))));
    expect(() => gatherRows(t, [[3]])).toThrow(/row 3/);
    expect(() => takeTable(weights, 't', [2, 3])).toThrow(/expected shape/);
  });
});
