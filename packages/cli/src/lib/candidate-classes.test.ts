import { describe, expect, it } from 'vitest';
import { modelClassOf, storeClasses } from './candidate-classes.js';

describe('candidate classes', () => {
  it('maps model classes to store classes and back; a store class outside the set is -1', () => {
    const m = { classNames: ['b', 'd'], classIds: [3, 7] };
    expect(Array.from(storeClasses(m))).toEqual([3, 7]);
    const toModel = modelClassOf(m);
    expect([toModel(3), toModel(7), toModel(4), toModel(-1)]).toEqual([0, 1, -1, -1]);
  });

  it('is the identity for an ordinary fit, with labels beyond K outside', () => {
    const m = { classNames: ['ham', 'spam'] };
    expect(Array.from(storeClasses(m))).toEqual([0, 1]);
    expect([modelClassOf(m)(1), modelClassOf(m)(2)]).toEqual([1, -1]);
  });
});
