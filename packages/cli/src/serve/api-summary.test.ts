import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './api-summary.js';

describe('confusion matrix of /api/global', () => {
  it('counts test rows by [label][prediction] and skips labels outside the classes', () => {
    const state = { classes: 3, testLabels: Int32Array.from([0, 0, 1, 2, 2, 2, -1]), testPredictions: Int32Array.from([0, 1, 1, 2, 0, 2, 1]) };
    expect(confusionMatrix(state)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it('sums to the number of labelled test rows and agrees with the accuracy', () => {
    const labels = Int32Array.from({ length: 500 }, (_, i) => (i * 7) % 4);
    const preds = Int32Array.from({ length: 500 }, (_, i) => (i * 7 + (i % 5 === 0 ? 1 : 0)) % 4);
    const m = confusionMatrix({ classes: 4, testLabels: labels, testPredictions: preds });
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(500);
    expect(m.reduce((s, row, y) => s + (row[y] ?? 0), 0)).toBe(400);
  });
});
