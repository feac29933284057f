import { describe, expect, it } from 'vitest';
import { isSpecialToken, mergeWordpieces, tokenUnits } from './wordpiece-merge.js';

const words = (tokens: string[], scores: number[]) => mergeWordpieces(tokens, scores).map((u) => [u.text, Number(u.score.toFixed(6)), u.from, u.to]);

describe('wordpiece merge', () => {
  it('joins BERT ## continuations and sums their relevance', () => {
    expect(words(['[CLS]', 'un', '##believ', '##able', 'offer', '[SEP]'], [0.1, 0.2, 0.3, -0.4, 1, 0.5])).toEqual([
      ['[CLS]', 0.1, 0, 1],
      ['unbelievable', 0.1, 1, 4],
      ['offer', 1, 4, 5],
      ['[SEP]', 0.5, 5, 6],
    ]);
  });

  it('starts words at ▁ (SentencePiece) and Ġ (byte-level BPE) markers', () => {
    expect(words(['<s>', '▁free', 'bie', '▁now', '</s>'], [0, 1, 2, 3, 0])).toEqual([
      ['<s>', 0, 0, 1],
      ['freebie', 3, 1, 3],
      ['now', 3, 3, 4],
      ['</s>', 0, 4, 5],
    ]);
    expect(words(['Hello', 'Ġwor', 'ld'], [1, 1, 1])).toEqual([
      ['Hello', 1, 0, 1],
      ['world', 2, 1, 3],
    ]);
  });

  it('keeps the total relevance and never merges across special tokens', () => {
    const tokens = ['[CLS]', '##x', 'a', '[SEP]', '##b', 'c', '##d'];
    const scores = [1, 2, 3, 4, 5, 6, 7];
    const merged = mergeWordpieces(tokens, scores);
    expect(merged.reduce((s, u) => s + u.score, 0)).toBe(28);
    expect(merged.map((u) => u.text)).toEqual(['[CLS]', 'x', 'a', '[SEP]', 'b', 'cd']);
  });

  it('token view keeps one unit per token; special tokens are recognised', () => {
    expect(tokenUnits(['a', '##b'], [1])).toEqual([
      { text: 'a', score: 1, from: 0, to: 1 },
      { text: '##b', score: 0, from: 1, to: 2 },
    ]);
    expect(['[CLS]', '<s>', '[PAD]', 'cls'].map(isSpecialToken)).toEqual([true, true, true, false]);
  });
});
