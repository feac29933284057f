import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTexts, loadTokenizer } from '../src/index.js';
import { checkpointDir, readReference, PARITY_MODELS } from './assets.js';

interface PythonTokens {
  text: string;
  input_ids: number[];
  input_ids_truncated: number[];
}

describe.each(PARITY_MODELS)('%s tokenizer matches the Python tokenizer on 200 corpus texts', (name) => {
  it('untruncated and truncated (HF semantics) ids are identical', async () => {
    const cases = JSON.parse(readFileSync(join(checkpointDir(name), 'tokens-python.json'), 'utf8')) as PythonTokens[];
    const maxLength = readReference(name).max_length;
    const tok = await loadTokenizer(checkpointDir(name));
    const texts = cases.map((c) => c.text);
    const full = encodeTexts(tok, texts, Number.MAX_SAFE_INTEGER, { prefixShortcut: false });
    const cut = encodeTexts(tok, texts, maxLength);
    expect(cases.length).toBe(200);
    cases.forEach((c, i) => {
      expect(full.ids[i], `text ${i}`).toEqual(c.input_ids);
      expect(cut.ids[i], `text ${i}`).toEqual(c.input_ids_truncated);
    });
    expect(cut.truncatedCount).toBe(cases.filter((c) => c.input_ids.length > maxLength).length);
  });
});
