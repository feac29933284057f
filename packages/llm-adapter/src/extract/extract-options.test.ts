import { describe, expect, it } from 'vitest';
import { DEFAULT_EMBED_OPTIONS } from '../embed/embed-options.js';
import { DEFAULT_EXTRACT_OPTIONS, resolveExtractOptions, shardChunkRange } from './extract-options.js';

describe('resolveExtractOptions', () => {
  it('documented defaults equal the defaults object', () => {
    expect(DEFAULT_EXTRACT_OPTIONS).toEqual({ ...DEFAULT_EMBED_OPTIONS, chunkRows: 1024, totalRows: null, shard: null, textRowStarts: null, onProgress: null, signal: null, workers: 0 });
  });
  it('names the bad option; sharding needs totalRows', () => {
    expect(() => resolveExtractOptions({ chunkRows: 0 })).toThrow(/option chunkRows/);
    expect(() => resolveExtractOptions({ shard: { index: 0, count: 2 } })).toThrow(/option shard: needs totalRows/);
    expect(() => resolveExtractOptions({ shard: { index: 2, count: 2 }, totalRows: 5 })).toThrow(/option shard: index must be in \[0, 1\]/);
    expect(() => resolveExtractOptions({ totalRows: 2, textRowStarts: [0, 3] })).toThrow(/option textRowStarts: needs totalRows and totalRows \+ 1 entries, got 2/);
  });
});

describe('shardChunkRange', () => {
  it('splits chunks into contiguous, disjoint, covering ranges', () => {
    const ranges = [0, 1, 2].map((index) => shardChunkRange(10, { index, count: 3 }));
    expect(ranges).toEqual([{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 10 }]);
    expect(shardChunkRange(2, { index: 0, count: 4 })).toEqual({ start: 0, end: 0 });
    expect(shardChunkRange(7, null)).toEqual({ start: 0, end: 7 });
  });
});
