import { describe, expect, it } from 'vitest';
import { buildSearchIndex, indexSnippet, searchRows, words } from './search-index.js';

const TEXTS = ['Free MONEY now!!!', 'meeting at noon', 'free entry, win money', '=====', 'Über café straße', ''];
const IDS = ['a-1', 'b-2', 'c-3', 'd-4', 'e-5', 'zz-99'];

function source(chunkRows: number) {
  return { rows: TEXTS.length, chunkRows, read: async (s: number, e: number) => ({ texts: TEXTS.slice(s, e), ids: IDS.slice(s, e) }) };
}

/** Brute force: every query word is a prefix of some word of the text or id. */
function brute(q: string): number[] {
  const qs = words(q);
  return TEXTS.map((t, r) => [r, [...words(t), ...words(IDS[r])]] as const)
    .filter(([, ws]) => qs.every((w) => ws.some((x) => x.startsWith(w))))
    .map(([r]) => r);
}

describe('search index', () => {
  it('matches word prefixes of texts and ids like a brute-force scan, whatever the chunk size', async () => {
    for (const chunk of [1, 2, 4, 100]) {
      const index = await buildSearchIndex(source(chunk));
      for (const q of ['free', 'FREE mon', 'mo', 'm', 'noon meeting', 'cafe', 'café', 'stra', 'c', '99', 'zz 9', 'nothing', 'free noon']) {
        expect([...(searchRows(index, q) ?? [])], `${q} / chunk ${chunk}`).toEqual(brute(q));
      }
    }
  });

  it('answers null for a query without words and keeps postings sorted and unique', async () => {
    const index = await buildSearchIndex(source(2));
    expect(searchRows(index, '===')).toBeNull();
    for (let w = 0; w < index.vocabulary.length; w++) {
      const list = [...index.postings.subarray(index.offsets[w], index.offsets[w + 1])];
      expect(list).toEqual([...new Set(list)].sort((a, b) => a - b));
    }
    expect(index.vocabulary).toEqual([...index.vocabulary].sort());
  });

  it('keeps bounded snippets with an ellipsis where the text was cut', async () => {
    const index = await buildSearchIndex(source(3), { snippetBudgetBytes: 6 * TEXTS.length, maxSnippetBytes: 240 });
    expect(indexSnippet(index, 1)).toBe('meetin…');
    expect(indexSnippet(index, 3)).toBe('=====');
    expect(indexSnippet(index, 5)).toBe('');
    // 'Über c' is 7 UTF-8 bytes: the snippet stops at a whole character within 6 bytes.
    expect(new TextEncoder().encode(indexSnippet(index, 4).replace('…', '')).length).toBeLessThanOrEqual(6);
    expect(index.snippetBytes.length).toBeLessThanOrEqual(6 * TEXTS.length);
  });

  it('stops adding words at the vocabulary cap and says so', async () => {
    const index = await buildSearchIndex(source(6), { maxVocabulary: 3 });
    expect(index.vocabulary).toHaveLength(3);
    expect(index.complete).toBe(false);
    expect((await buildSearchIndex(source(6))).complete).toBe(true);
  });
});
