import { describe, expect, it } from 'vitest';
import { absorbedParts, explainedCaption, formatShare, sharedScale, sideScale } from './xda-budget.js';

const side = { tokenSum: 0.3, share: 0.3, residual: 1e-7, absorbed: { positionEmbeddings: 0, softmax: 0.5, normalisation: -0.05, biases: 0.25, stabiliser: 0 } };

describe('xda budget display', () => {
  it('formats shares and lists absorbed places by size, leaving out zeros', () => {
    expect(formatShare(0.794)).toBe('79%');
    expect(formatShare(-1.7)).toBe('-170%');
    expect(formatShare(null)).toBe('–');
    expect(absorbedParts({ ...side, absorbed: { ...side.absorbed, positionEmbeddings: 3e-8 } }, 1)).toEqual([
      { label: 'softmax remainder', value: 0.5 },
      { label: 'biases', value: 0.25 },
      { label: 'LayerNorm β', value: -0.05 },
    ]);
  });

  it('says "not a support vector: attribution 0" and "kernel-only" for an α = 0 pair', () => {
    const base = { explained: 2, attribution: 0, alpha: 0, kernel: 2 };
    expect(explainedCaption({ ...base, decomposes: 'kernel', supportVector: false })).toMatch(/^not a support vector: attribution 0\. Kernel-only heatmaps/);
    expect(explainedCaption({ ...base, attribution: 1, alpha: 0.5, decomposes: 'attribution', supportVector: true })).toMatch(/split the attribution .* = 0\.500 × 2\.00 = 1\.00/);
  });

  it('shares one colour scale across both sides', () => {
    expect(sharedScale({ test: { tokens: ['a', 'b'], scores: [0.1, -0.4] }, train: { tokens: ['c'], scores: [0.3] } })).toBe(0.4);
    // [CLS]/[SEP] do not set the scale unless nothing else is non-zero.
    expect(sharedScale({ test: { tokens: ['[CLS]', 'a', '[SEP]'], scores: [5, 0.1, -3] }, train: { tokens: ['[CLS]', 'b'], scores: [-9, -0.2] } })).toBe(0.2);
    expect(sharedScale({ test: { tokens: ['[CLS]', 'a'], scores: [0.5, 0] }, train: { tokens: ['[CLS]'], scores: [-0.7] } })).toBe(0.7);
  });

  it('gives each side its own scale on demand', () => {
    expect(sideScale({ tokens: ['[CLS]', 'a', 'b'], scores: [5, 0.1, -0.3] })).toBe(0.3);
    expect(sideScale({ tokens: ['[CLS]', 'a'], scores: [-5, 0] })).toBe(5);
  });
});
