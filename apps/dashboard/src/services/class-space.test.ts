import { describe, expect, it } from 'vitest';
import { candidateSetLine, contextWindow, isOutsideLabel, labelNamesOf, predictorOf } from './class-space.js';

describe('class-space', () => {
  const summary = {
    classNames: ['##a', 's'],
    labelNames: ['##a', 's', '##x'],
    predictedBy: 'surrogate' as const,
    candidateSet: { rule: 'top:2', classIds: [17, 96], storeClasses: 108, trainRowsOutside: 246, testRowsOutside: 1 },
  };

  it('names labels outside the candidate set from labelNames, and older servers from classNames', () => {
    expect(labelNamesOf(summary)[2]).toBe('##x');
    expect(isOutsideLabel(summary, 2)).toBe(true);
    expect(isOutsideLabel(summary, 1)).toBe(false);
    expect(labelNamesOf({ classNames: ['ham', 'spam'] })).toEqual(['ham', 'spam']);
    expect(predictorOf({})).toBe('model');
    expect(predictorOf(summary)).toBe('surrogate');
  });

  it('says what the candidate set leaves out, and nothing for an ordinary model', () => {
    expect(candidateSetLine(summary)).toBe('Candidate set top:2: the model predicts 2 of 108 store classes. 246 training rows with a label outside it were left out of the fit; 1 test row has a gold label outside it (the surrogate cannot predict those; they count as misclassified).');
    expect(candidateSetLine({})).toBeNull();
  });

  it('cuts a token context around the row, marking its token', () => {
    const w = contextWindow({ tokens: ['<s>', 'a', 'b', 'c', 'd'], position: 2 }, 1, 1);
    expect(w).toEqual({ lead: true, tokens: [{ text: 'a', at: false }, { text: 'b', at: true }, { text: 'c', at: false }] });
  });
});
