/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test indexes the results it asserts */
import { describe, expect, it } from 'vitest';
import { alignTokenLabels, createMemorySink, extractFeatures, loadTokenizer, openModel } from '../src/index.js';
import { checkpointDir } from './assets.js';

const at = { row: 4, id: 'ner-4' };

describe('alignTokenLabels', () => {
  it('word level (BERT WordPiece): every piece gets its word label, [CLS]/[SEP] the nearest word', async () => {
    const tok = await loadTokenizer(checkpointDir('tiny-bert'));
    const text = 'unbelievable offer today';
    const ids = tok.encode(text);
    const words = text.split(' ');
    const pieces = words.map((w) => tok.encode(w, { add_special_tokens: false }).length);
    expect(pieces.some((n) => n > 1)).toBe(true); // the test must exercise a multi-piece word
    const got = alignTokenLabels(tok, text, [2, 0, 1], ids.length, at);
    const want = [2, ...pieces.flatMap((n, w) => Array<number>(n).fill([2, 0, 1][w]!)), 1];
    expect(got).toEqual(want);
  });

  it('token level when the list has one label per token, specials included; truncation keeps the trailing special', async () => {
    const tok = await loadTokenizer(checkpointDir('tiny-bert'));
    const text = 'unbelievable offer today';
    const n = tok.encode(text).length;
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    expect(alignTokenLabels(tok, text, labels, n, at)).toEqual(labels);
    // Cut to 3 rows: [CLS], first content token, [SEP] (encodeTexts keeps trailing specials).
    expect(alignTokenLabels(tok, text, labels, 3, at)).toEqual([labels[0], labels[1], labels[n - 1]]);
  });

  it('word level on a SentencePiece tokenizer (tiny-llama)', async () => {
    const tok = await loadTokenizer(checkpointDir('tiny-llama'));
    const text = 'free money now';
    const n = tok.encode(text).length;
    const got = alignTokenLabels(tok, text, ['class_b', 'class_a', 'class_c'], n, at);
    expect(got).toHaveLength(n);
    expect(new Set(got)).toEqual(new Set(['class_b', 'class_a', 'class_c']));
    expect(got.indexOf('class_a')).toBeGreaterThan(got.lastIndexOf('class_b'));
  });

  it('names the row, id and both accepted lengths when the list fits neither', async () => {
    const tok = await loadTokenizer(checkpointDir('tiny-bert'));
    const n = tok.encode('a b').length;
    expect(() => alignTokenLabels(tok, 'a b', [0, 0, 0, 0, 0, 0, 0].slice(0, n + 1), n, at)).toThrow(/corpus\.label.*row 4 \(id ner-4\): \d+ labels fit neither the 2 whitespace-separated words nor the \d+ tokens/);
  });
});

describe('extractFeatures with per-token gold labels', () => {
  it('stores aligned labels and textId#position ids; a list label on the sequence head is refused', async () => {
    const model = await openModel(checkpointDir('tiny-bert'));
    try {
      const rows = [{ id: 't1', text: 'unbelievable offer today', label: [2, 0, 1] }, { id: 't2', text: 'hello there', label: 1 }];
      const sink = createMemorySink();
      await extractFeatures(model, rows, sink, { head: 'token', chunkRows: 8 });
      const b = sink.chunks.get(0)!.batch;
      const n1 = model.checkpoint.tokenizer.encode(rows[0]!.text).length;
      expect(b.ids.slice(0, 2)).toEqual(['t1#0', 't1#1']);
      expect(b.ids[n1]).toBe('t2#0');
      expect(Array.from(b.labels).slice(0, n1)).toEqual(alignTokenLabels(model.checkpoint.tokenizer, rows[0]!.text, [2, 0, 1], n1, at));
      expect(Array.from(b.labels).slice(n1).every((l) => l === 1)).toBe(true);
      await expect(extractFeatures(model, rows, createMemorySink(), { head: 'sequence' })).rejects.toThrow(/row 0 \(id t1\): a list of labels is per-token gold.*--head token/);
      await expect(extractFeatures(model, [{ id: 'x', text: 'hello there', label: [0, 7] }], createMemorySink(), { head: 'token' })).rejects.toThrow(/corpus\.label.*row 0 \(id x\)/);
    } finally {
      await model.release();
    }
  });
});
