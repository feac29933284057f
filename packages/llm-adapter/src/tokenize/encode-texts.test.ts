import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type Tokenizer } from '../checkpoint/load-tokenizer.js';
import { encodeTexts } from './encode-texts.js';

const ASSETS = join(import.meta.dirname, '..', '..', 'assets');

describe('encodeTexts', () => {
  let bert: Tokenizer;
  beforeAll(async () => {
    bert = await loadTokenizer(join(ASSETS, 'tiny-bert'));
  });
  it('truncates content from the right and keeps [CLS] ... [SEP]', () => {
    const full = bert.encode('the quick brown fox jumps over the lazy dog');
    const enc = encodeTexts(bert, ['the quick brown fox jumps over the lazy dog'], 6);
    expect(enc.ids[0]).toEqual([...full.slice(0, 5), full.at(-1)]);
    expect(enc.truncated).toEqual([true]);
    expect(enc.truncatedCount).toBe(1);
    const [first, last] = [enc.ids[0]?.[0] ?? -1, enc.ids[0]?.[5] ?? -1];
    expect(bert.decode([first, last])).toBe('[CLS] [SEP]');
  });
  it('leaves short texts alone and reports empty texts by caller row and id', () => {
    expect(encodeTexts(bert, ['ok'], 64).truncated).toEqual([false]);
    expect(() => encodeTexts(bert, ['ok', '\n \t'], 64, { firstIndex: 10, ids: ['a', 'b'] })).toThrow('text at row 11 (id b) is empty');
  });
  it.each(['tiny-bert', 'tiny-llama'])('the prefix shortcut gives the same ids as tokenising whole corpus texts (%s)', async (name) => {
    const tok = await loadTokenizer(join(ASSETS, name));
    const texts = readFileSync(join(ASSETS, 'corpus', 'test.jsonl'), 'utf8')
      .split('\n')
      .slice(0, 60)
      .map((l) => (JSON.parse(l) as { text: string }).text);
    for (const maxLength of [8, 64]) {
      const fast = encodeTexts(tok, texts, maxLength);
      expect(fast).toEqual(encodeTexts(tok, texts, maxLength, { prefixShortcut: false }));
      expect(fast.truncatedCount).toBeGreaterThan(0);
    }
  });
});
