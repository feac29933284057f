import { describe, expect, it } from 'vitest';
import type { DualDAModel } from '../model/types.js';
import { DEFAULT_SELF_INFLUENCE_OPTIONS, selfInfluence } from './self-influence.js';

const model: DualDAModel = {
  svIndices: Int32Array.from([0, 2]),
  svIds: ['a', 'c'],
  svAlpha: Float64Array.from([0.4, -0.4, -0.1, 0.1]),
  svFeatures: Float32Array.from([3, 4, 0, 2]),
  svNorms: Float32Array.from([5, 2]),
  weights: Float64Array.from([1.2, 1.4, -1.2, -1.4]),
  bias: Float64Array.from([0.3, -0.3]),
  C: 1,
  classNames: ['x', 'y'],
  diagnostics: {},
  modelHash: '',
  datasetRevision: '',
};

describe('selfInfluence', () => {
  it('gives ‖x‖²·α[i,y_i] by default and ‖x‖·α[i,y_i] for the norm variant, 0 off the support', () => {
    expect([...selfInfluence(model, 3)]).toEqual([25 * 0.4, 0, 4 * 0.1]);
    expect([...selfInfluence(model, 3, { variant: 'norm' })]).toEqual([5 * 0.4, 0, 2 * 0.1]);
    expect(DEFAULT_SELF_INFLUENCE_OPTIONS.variant).toBe('squared-norm');
  });
  it('uses the supplied labels, even a wrong one', () => {
    expect([...selfInfluence(model, 3, { labels: Int32Array.from([1, 0, 1]) })]).toEqual([25 * -0.4, 0, 4 * 0.1]);
  });
  it('maps store labels through a candidate-set model\'s classIds', () => {
    const candidates: DualDAModel = { ...model, classIds: [7, 31999] };
    expect([...selfInfluence(candidates, 3, { labels: Int32Array.from([7, 5, 31999]) })]).toEqual([25 * 0.4, 0, 4 * 0.1]);
    expect(() => selfInfluence(candidates, 3, { labels: Int32Array.from([1, 0, 31999]) })).toThrow(/labels\[0\] = 1 is not one of the model's candidate classes/);
  });
  it('names bad options', () => {
    expect(() => selfInfluence(model, 3, { labels: new Int32Array(2) })).toThrow(/labels/);
    expect(() => selfInfluence(model, 2)).toThrow(/option n/);
  });
});
