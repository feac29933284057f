import { describe, expect, it } from 'vitest';
import { DEFAULT_EMBED_OPTIONS, resolveEmbedOptions } from './embed-options.js';

describe('resolveEmbedOptions', () => {
  it('documented defaults equal the defaults object', () => {
    expect(DEFAULT_EMBED_OPTIONS).toEqual({ head: 'sequence', maxLength: 0, batchSize: 32, lmLogits: false });
    expect(resolveEmbedOptions({}, 1024)).toEqual({ head: 'sequence', maxLength: 512, batchSize: 32, lmLogits: false });
    expect(resolveEmbedOptions({ maxLength: undefined }, 64).maxLength).toBe(64);
  });
  it('names the bad option', () => {
    expect(() => resolveEmbedOptions({ head: 'pooled' as 'token' }, 64)).toThrow(/option head/);
    expect(() => resolveEmbedOptions({ maxLength: 100 }, 64)).toThrow(/option maxLength/);
    expect(() => resolveEmbedOptions({ batchSize: 0 }, 64)).toThrow(/option batchSize/);
    expect(() => resolveEmbedOptions({ lmLogits: 'yes' as unknown as boolean }, 64)).toThrow(/option lmLogits/);
  });
});
