import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { DEFAULT_TOP_K_AGREEMENT_OPTIONS, identicalClass, identicalSubclass, topKCardinality } from './downstream.js';
import { linearDatamodelingScore, modelRandomizationCheck } from './ground-truth.js';
import { mislabelingDetection, quandaMislabelingDetection } from './mislabeling.js';
import { binaryAuprc, shortcutDetection } from './shortcut.js';
import { averageRanks, kendallTauB, spearman } from './stats.js';

describe('hand-checkable metric cases', () => {
  // Two test rows over 4 training rows.
  const E = { data: [0.9, 0.1, 0.5, -1, -0.2, 0.3, 0.8, 0.7], shape: [2, 4] };
  const trainLabels = [0, 1, 0, 1];

  it('identical class counts label matches among the top-k', () => {
    // Row 0 top-2 = {0, 2} both class 0; row 1 top-2 = {2, 3} classes {0, 1}.
    expect(identicalClass(E, trainLabels, [0, 1], { k: 2 }).score).toBe(0.75);
    expect([...identicalClass(E, trainLabels, [0, 1], { k: 1 }).perRow]).toEqual([1, 0]);
    expect(identicalSubclass(E, [5, 5, 6, 6], [6, 6], { k: 1, keep: [false, true] }).score).toBe(1);
    expect(DEFAULT_TOP_K_AGREEMENT_OPTIONS.k).toBe(5);
    expect(() => identicalClass(E, trainLabels, [0, 1], { k: 9 })).toThrow(/option k/);
  });

  it('top-k cardinality counts distinct top training rows', () => {
    expect(topKCardinality(E)).toBe(1); // rows 0 and 2
    expect(topKCardinality({ data: [1, 0, 1, 0], shape: [2, 2] })).toBe(0.5);
  });

  it('mislabeling detection: perfect ranking gives AUC 1, reversed gives the reference minimum', () => {
    const perfect = mislabelingDetection([4, 3, 2, 1], [1, 1, 0, 0]);
    expect(perfect.auc).toBeCloseTo(1, 12);
    expect([...perfect.curve]).toEqual([0.5, 1, 1, 1]);
    // Reversed: curve [0,0,.5,1] → raw .375; min = 2/8 = .25, max = (1.5+2)/4 = .875.
    expect(mislabelingDetection([1, 2, 3, 4], [1, 1, 0, 0]).auc).toBeCloseTo((0.375 - 0.25) / 0.625, 12);
    // quanda: trapezoid of [.5, 1, 1, 1] = .75 + 1 + 1 = 2.75, / 4.
    expect(quandaMislabelingDetection([4, 3, 2, 1], [1, 1, 0, 0])).toBeCloseTo(2.75 / 4, 12);
    // The 1e-4·i tie-break moves later rows first among equal scores.
    expect(quandaMislabelingDetection([0, 0], [0, 1])).toBeCloseTo(0.5, 12);
  });

  it('AUPRC steps over distinct thresholds', () => {
    expect(binaryAuprc([0.9, 0.8, 0.1], [1, 0, 1])).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
    expect(binaryAuprc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(Number.isNaN(binaryAuprc([1, 2], [0, 0]))).toBe(true);
    const r = shortcutDetection(E, [1, 0, 1, 0], { shortcutClass: 1, targets: [1, 0], testLabels: [0, 0] });
    expect(r.kept).toBe(1);
    expect(r.score).toBe(1);
    expect(shortcutDetection(E, [1, 0, 1, 0], { shortcutClass: 1, targets: [0, 0], testLabels: [0, 0] }).score).toBe(0);
  });

  it('rank statistics agree with textbook values', () => {
    expect([...averageRanks([10, 20, 10, 5])]).toEqual([2.5, 4, 2.5, 1]);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(kendallTauB([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
    // tau-b with a tie: (C − D)/sqrt((3 − 1)(3 − 0)) with C = 2, D = 0.
    expect(kendallTauB([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(Number.isNaN(spearman([1, 1], [1, 2]))).toBe(true);
  });

  it('randomisation check and LDS', () => {
    expect(modelRandomizationCheck(E, E)).toBeCloseTo(1, 12);
    // Three subsets of 2 training rows; outputs ordered like the subset sums → LDS 1.
    const subsets = { data: [1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1], shape: [3, 4] };
    const row0 = [1.0, -0.5, -0.1]; // sums of E row 0 over each subset
    const lds = linearDatamodelingScore({ explanations: E, subsets, outputs: { data: [...row0, 0.1, 0.2, 0.3], shape: [2, 3] } });
    expectClose([lds.perRow[0] ?? NaN], [1]);
    // Row 1 sums: 0.1, 1.5, -0.4 vs outputs increasing: ranks [2,3,1] vs [1,2,3] → 0.5.
    expectClose([lds.perRow[1] ?? NaN], [0.5]);
    expect(() => linearDatamodelingScore({ explanations: E, subsets, outputs: { data: [1, 2], shape: [2, 1] } })).toThrow(/lds outputs/);
  });
});
