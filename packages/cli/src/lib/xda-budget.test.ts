import { describe, expect, it } from 'vitest';
import { NOT_SUPPORT_VECTOR_NOTE } from '../steps/pair-alpha.js';
import { renderHtmlPage } from './heatmap.js';
import { budgetLines, formatAbsorbed } from './xda-budget.js';

const side = (tokenSum: number, share: number | null, softmax: number) => ({ tokenSum, share, residual: 2e-7, absorbed: { positionEmbeddings: 0, softmax, normalisation: 0.01, biases: 0, stabiliser: 0 } });
const pair = {
  mode: 'per-position' as const, attribution: 0.5, kernel: 2, decomposes: 'attribution' as const, explained: 0.5,
  budget: { test: side(0.4, 0.8, 0.09), train: side(-0.1, -0.2, 0.59) },
  notes: ['the train-side tokens sum to -20% of the attribution, the opposite sign'],
};

describe('XDA budget lines', () => {
  it('print the attribution, each side\'s token sum and share, absorbed per place, the residual and warnings', () => {
    const lines = budgetLines(pair);
    expect(lines[0]).toBe('budget (per-position relevance): attribution +0.5000; test tokens +0.4000 (80%), train tokens -0.1000 (-20%)');
    expect(lines[1]).toBe('  absorbed (test): softmax remainder +0.0900, LayerNorm β +0.0100; residual 2.0e-7');
    expect(lines[2]).toMatch(/^ {2}absorbed \(train\): softmax remainder \+0\.5900/);
    expect(lines[3]).toBe('warning: the train-side tokens sum to -20% of the attribution, the opposite sign');
  });

  it('label kernel-only heatmaps of a non-support vector as such', () => {
    const lines = budgetLines({ ...pair, attribution: 0, decomposes: 'kernel', explained: 2, notes: [NOT_SUPPORT_VECTOR_NOTE] });
    expect(lines[0]).toMatch(/kernel <f\(test\), f\(train\)> \+2\.0000 \(kernel-only heatmaps\)/);
    expect(lines.at(-1)).toBe(`note: ${NOT_SUPPORT_VECTOR_NOTE}`);
  });

  it('say "nothing" when no relevance was absorbed, and leave rounding out', () => {
    expect(formatAbsorbed({ ...side(1, 1, 0), absorbed: { positionEmbeddings: 0, softmax: 0, normalisation: 0, biases: 0, stabiliser: 0 } }, 1)).toBe('nothing');
    // Float rounding (per-position mode leaves ~1e-8 on the position embeddings) is not listed.
    expect(formatAbsorbed({ ...side(1, 1, 0.2), absorbed: { positionEmbeddings: -3e-8, softmax: 0.2, normalisation: 0, biases: 0, stabiliser: 1e-12 } }, 1)).toBe('softmax remainder +0.2000');
  });

  it('appear in the HTML page, warnings highlighted', () => {
    const page = renderHtmlPage('t', [{ title: 'p', subtitle: 's', test: { tokens: ['a'], scores: [1] }, train: { tokens: ['b'], scores: [1] }, budget: budgetLines(pair) }]);
    expect(page).toContain('<ul class="budget"><li>budget (per-position relevance): attribution +0.5000');
    expect(page).toContain('<li class="warn">warning: the train-side tokens');
    expect(page).not.toMatch(/decompose the DualDA attribution/);
  });
});
