import { describe, expect, it } from 'vitest';
import { rankUnits, truncationNote } from './heatmap-summary.js';
import { mergeWordpieces } from './wordpiece-merge.js';

describe('ranked heatmap words', () => {
  it('ranks positive and negative words separately, leaving out template tokens', () => {
    const units = mergeWordpieces(['[CLS]', 'win', '##ner', 'call', 'now', 'hi', '[SEP]'], [9, 0.5, 0.25, -0.2, 0.1, -0.6, 5]);
    const { positive, negative } = rankUnits(units, 2);
    expect(positive.map((u) => [u.text, u.score])).toEqual([
      ['winner', 0.75],
      ['now', 0.1],
    ]);
    expect(negative.map((u) => [u.text, u.score])).toEqual([
      ['hi', -0.6],
      ['call', -0.2],
    ]);
  });
});

describe('truncation note', () => {
  it('says nothing when the tokens spell the whole text', () => {
    expect(truncationNote(['[CLS]', 'free', 'en', '##try', '!', '[SEP]'], 'FREE entry!!')).toBeUndefined();
    expect(truncationNote(['[CLS]', 'cafe', '[SEP]'], 'Café')).toBeUndefined();
    expect(truncationNote(['a'], undefined)).toBeUndefined();
  });

  it('reports a text cut to the model limit, with the share it saw', () => {
    const note = truncationNote(['[CLS]', 'free', 'entry', '[SEP]'], 'free entry in a weekly competition to win');
    expect(note).toMatch(/^cut after 4 tokens, the model's limit: it saw about \d+% of the text$/);
    expect(note).toContain('about 26%');
  });

  it('reports token lists cut to the response limit', () => {
    expect(truncationNote(['a', 'b', 'c'], 'a b c', 3)).toBe('cut after 3 tokens (the most a response carries)');
  });
});
