import { describe, expect, it } from 'vitest';
import { labelSpace, modelClassLogits } from './label-space.js';

describe('labelSpace', () => {
  const model = { classNames: ['b', 'd'], classIds: [1, 3] };
  const store = ['a', 'b', 'c', 'd'];

  it('maps labels in the candidate set to model classes and names the others after them, counting every row outside', () => {
    const s = labelSpace(model, store, Int32Array.of(1, 2, 2, 3), Int32Array.of(3, 0, -1, 2));
    expect(s.labelNames).toEqual(['b', 'd', 'c', 'a']);
    expect(Array.from(s.trainLabels)).toEqual([0, 2, 2, 1]);
    expect(Array.from(s.testLabels)).toEqual([1, 3, -1, 2]);
    expect(s.candidateSet).toEqual({ storeClasses: 4, trainRowsOutside: 2, testRowsOutside: 2 });
  });

  it('leaves an ordinary model alone', () => {
    const train = Int32Array.of(0, 1);
    const s = labelSpace({ classNames: ['ham', 'spam'] }, ['ham', 'spam'], train, Int32Array.of(1));
    expect(s.trainLabels).toBe(train);
    expect(s.labelNames).toEqual(['ham', 'spam']);
    expect(s.candidateSet).toBeUndefined();
  });
});

describe('modelClassLogits', () => {
  it('keeps the candidate columns of logits over every store class, and refuses a width that fits neither', () => {
    const raw = Float32Array.of(0, 1, 2, 3, 10, 11, 12, 13);
    expect(Array.from(modelClassLogits(raw, 2, { classNames: ['b', 'd'], classIds: [1, 3] }) ?? [])).toEqual([1, 3, 11, 13]);
    expect(modelClassLogits(null, 2, { classNames: ['b'] })).toBeNull();
    expect(() => modelClassLogits(Float32Array.of(1, 2, 3), 1, { classNames: ['b', 'd'], classIds: [1, 3] })).toThrow(/test logits have 3 values for 1 rows/);
    expect(() => modelClassLogits(Float32Array.of(1, 2, 3), 1, { classNames: ['a', 'b'] })).toThrow(/expected rows x K = 1 x 2/);
  });
});
