import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { identicalClass, identicalSubclass, topKCardinality } from './downstream.js';
import { linearDatamodelingScore, modelRandomizationCheck } from './ground-truth.js';
import { mislabelingDetection, quandaMislabelingDetection } from './mislabeling.js';
import { binaryAuprc, shortcutDetection } from './shortcut.js';

// Produced by tools/fixtures/eval/generate.py (numpy, sklearn average_precision_score, scipy spearmanr).
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/eval-metrics.json', import.meta.url), 'utf8')) as {
  B: number; n: number; m: number; explanations: number[]; trainLabels: number[]; targets: number[]; trainFine: number[]; testFine: number[];
  identicalClassK5: number; identicalClassK1: number; identicalSubclassK5: number;
  mislabel: { scores: number[]; corrupted: number[]; auc: number; raw: number; quanda: number };
  shortcut: { marked: number[]; targets: number[]; testLabels: number[]; score: number; kept: number; tiedScores: number[]; tiedAp: number };
  randomized: number[]; randomizationCheck: number; subsets: number[]; outputs: number[]; lds: number; topKCardinality: Record<string, number>;
};
const E = { data: fx.explanations, shape: [fx.B, fx.n] };
const tol = { rtol: 1e-10, atol: 1e-12 };

describe('evaluation metrics match the Python reference values', () => {
  it('identical class (k = 5 DualXDA, k = 1 upstream) and identical subclass', () => {
    expectClose([identicalClass(E, fx.trainLabels, fx.targets).score], [fx.identicalClassK5], tol);
    expectClose([identicalClass(E, fx.trainLabels, fx.targets, { k: 1 }).score], [fx.identicalClassK1], tol);
    expectClose([identicalSubclass(E, fx.trainFine, fx.testFine).score], [fx.identicalSubclassK5], tol);
  });
  it('mislabeling detection: DualXDA normalised AUC and quanda unnormalised AUC', () => {
    const r = mislabelingDetection(fx.mislabel.scores, fx.mislabel.corrupted);
    expectClose([r.auc, r.raw], [fx.mislabel.auc, fx.mislabel.raw], tol);
    expectClose([quandaMislabelingDetection(fx.mislabel.scores, fx.mislabel.corrupted)], [fx.mislabel.quanda], tol);
  });
  it('shortcut detection AUPRC equals sklearn average_precision_score, ties included', () => {
    const r = shortcutDetection(E, fx.shortcut.marked, { shortcutClass: 2, targets: fx.shortcut.targets, testLabels: fx.shortcut.testLabels });
    expect(r.kept).toBe(fx.shortcut.kept);
    expectClose([r.score], [fx.shortcut.score], tol);
    expectClose([binaryAuprc(fx.shortcut.tiedScores, fx.shortcut.marked)], [fx.shortcut.tiedAp], tol);
  });
  it('model randomisation check, LDS (scipy spearmanr) and top-k cardinality', () => {
    expectClose([modelRandomizationCheck(E, { data: fx.randomized, shape: [fx.B, fx.n] })], [fx.randomizationCheck], tol);
    const lds = linearDatamodelingScore({ explanations: E, subsets: { data: fx.subsets, shape: [fx.m, fx.n] }, outputs: { data: fx.outputs, shape: [fx.B, fx.m] } });
    expectClose([lds.score], [fx.lds], tol);
    expectClose([topKCardinality(E), topKCardinality(E, { k: 3 })], [fx.topKCardinality['1'] ?? NaN, fx.topKCardinality['3'] ?? NaN], tol);
  });
});
