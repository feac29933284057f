import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_STORE_WRITER_OPTIONS, resolveFeatureStoreWriterOptions } from './writer-options.js';

describe('feature store writer options', () => {
  it('documents the same defaults the resolver applies', async () => {
    const src = await readFile(new URL('./writer-options.ts', import.meta.url), 'utf8');
    const documented = new Map([...src.matchAll(/@default (.+?) \*\/\n\s+(\w+)\?:/g)].map((m) => [m[2], m[1]]));
    for (const [key, value] of Object.entries(DEFAULT_FEATURE_STORE_WRITER_OPTIONS)) {
      const text = documented.get(key);
      expect(text, `@default of ${key}`).toBeDefined();
      // JSDoc uses TS literal syntax; turn it into JSON to compare values, not spelling.
      const asJson = (text as string).replace(/'/g, '"').replace(/(\w+):/g, '"$1":');
      expect(JSON.parse(asJson), key).toEqual(value);
    }
    const resolved = resolveFeatureStoreWriterOptions({ rows: 10, dim: 4 });
    expect(resolved.spec).toMatchObject({ chunkRows: 4096, dtype: 'float32', head: 'sequence', tokenOffsets: false, compressionLevel: 1, logitsDim: 0 });
    expect(resolveFeatureStoreWriterOptions({ rows: 10, dim: 4, head: 'token' }).spec.tokenOffsets).toBe(true);
  });

  it.each<[string, Parameters<typeof resolveFeatureStoreWriterOptions>[0], RegExp]>([
    ['0 rows', { rows: 0, dim: 4 }, /option rows: must be >= 1: a store needs at least one row/],
    ['an empty class name', { rows: 3, dim: 4, classNames: ['ham', ''] }, /option classNames: name 1 is empty/],
    ['a blank class name', { rows: 3, dim: 4, classNames: ['  ', 'spam'] }, /option classNames: name 0 is empty/],
    ['a duplicate class name', { rows: 3, dim: 4, classNames: ['ham', 'spam', 'ham'] }, /option classNames: 'ham' is the name of classes 0 and 2; names must be unique/],
  ])('refuses %s, naming the option', (_name, opts, message) => {
    expect(() => resolveFeatureStoreWriterOptions(opts)).toThrow(message);
  });

  it('keeps valid class names in order', () => {
    expect(resolveFeatureStoreWriterOptions({ rows: 3, dim: 4, classNames: ['b', 'a'] }).spec.classNames).toEqual(['b', 'a']);
  });
});
