import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { DEFAULT_SPARSITY_OPTIONS, sparsityHoyer, sparsityL0 } from './sparsity.js';
import { matthewsCorrcoef } from './faithfulness.js';

describe('sparsity', () => {
  it('ℓ0^ε normalises by the signed row maximum', () => {
    expect(sparsityL0({ data: [4, 0, 1e-9, -2], shape: [1, 4] }).mean).toBe(0.5);
    // All-negative row: the signed max is the entry nearest zero (-1e-12), so every |a/max| >= 1
    // and nothing counts as zero (an abs-max normalisation would have counted -1e-12).
    expect(sparsityL0({ data: [-1e-3, -2, -1e-12, -3], shape: [1, 4] }).mean).toBe(0);
    // All-zero row: 0/0 = NaN counts nothing (reference quirk).
    expect(sparsityL0({ data: [0, 0], shape: [1, 2] }).mean).toBe(0);
    expect(sparsityL0({ data: [1, 0.5], shape: [1, 2] }, { epsilon: 0.6 }).mean).toBe(0.5);
    expect(DEFAULT_SPARSITY_OPTIONS.epsilon).toBe(1e-6);
  });
  it('Hoyer is 1 for one-hot and all-zero rows, 0 for a constant row', () => {
    expectClose(sparsityHoyer({ data: [0, 0, 3, 0, 0, 0, 0, 0, 1, 1, 1, 1], shape: [3, 4] }).perRow, [1, 1, 0], { atol: 1e-12 });
    expect(() => sparsityHoyer({ data: [1, 2, 3], shape: [2, 2] })).toThrow(/shape/);
  });
  it('MCC by hand: perfect, inverted binary and a one-class edge case', () => {
    expect(matthewsCorrcoef([0, 1, 0, 1], [0, 1, 0, 1])).toBe(1);
    expect(matthewsCorrcoef([0, 1, 0, 1], [1, 0, 1, 0])).toBe(-1);
    expect(matthewsCorrcoef([0, 0, 0], [0, 1, 2])).toBe(0);
  });
});
