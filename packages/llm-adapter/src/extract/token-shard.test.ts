import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeFeatureStore, openFeatureStore } from '@dualxda/core';
import { openModel, type FeatureModel } from '../model.js';
import { countTokenRows } from './count-token-rows.js';
import { extractFeatures, type ExtractResult } from './extract-features.js';
import { createStoreSink } from './store-sink.js';
import { corpusChunksOfRows } from './token-rows.js';
import type { CorpusRow } from './types.js';

const ASSETS = join(import.meta.dirname, '..', '..', 'assets');
const TEXTS = 40;
const CORPUS_CHUNK = 8;
const STORE_CHUNK = 37;
const CREATED = '2026-01-01T00:00:00.000Z';

let model: FeatureModel;
let rows: CorpusRow[];
let rowStarts: Float64Array;
let dir: string;

async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const out = new Map<string, Buffer>();
  for (const e of entries.filter((x) => x.isFile()).sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
    const f = join(e.parentPath, e.name);
    out.set(relative(root, f), await readFile(f));
  }
  return out;
}

function build(path: string, shard: { index: number; count: number } | null): Promise<ExtractResult> {
  const sink = createStoreSink(path, { tokenChunkRows: STORE_CHUNK, finalize: false });
  return extractFeatures(model, rows, sink, { head: 'token', maxLength: 16, chunkRows: CORPUS_CHUNK, totalRows: TEXTS, textRowStarts: rowStarts, shard });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-token-shard-'));
  model = await openModel(join(ASSETS, 'tiny-bert'));
  const lines = (await readFile(join(ASSETS, 'corpus', 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  rows = lines.slice(0, TEXTS).map((l, i) => ({ ...(JSON.parse(l) as CorpusRow), label: i % 3 }));
  rowStarts = (await countTokenRows(model, rows, { maxLength: 16 })).rowStarts;
});

afterAll(async () => {
  await model.release();
  await rm(dir, { recursive: true, force: true });
});

describe('token-head stores built in shards', () => {
  it('4 shards whose row ranges cut through texts give the bytes of one unsharded build', async () => {
    await build(join(dir, 'one'), null);
    await finalizeFeatureStore(join(dir, 'one'), { createdAt: CREATED });
    const reference = await snapshot(join(dir, 'one'));
    const tokens = rowStarts[TEXTS] as number;
    // The test only means something if shard boundaries fall inside texts.
    const cuts = [1, 2, 3].map((i) => Math.floor((i * Math.ceil(tokens / STORE_CHUNK)) / 4) * STORE_CHUNK);
    expect(cuts.some((r) => !rowStarts.includes(r))).toBe(true);
    const results: ExtractResult[] = [];
    for (const index of [2, 0, 3, 1]) results.push(await build(join(dir, 'four'), { index, count: 4 }));
    // Each boundary text is embedded twice, so shards together process more texts than one build.
    expect(results.reduce((s, r) => s + r.textsProcessed, 0)).toBeGreaterThanOrEqual(TEXTS);
    await finalizeFeatureStore(join(dir, 'four'), { createdAt: CREATED });
    const sharded = await snapshot(join(dir, 'four'));
    expect([...sharded.keys()]).toEqual([...reference.keys()]);
    for (const [k, v] of reference) expect(sharded.get(k)?.equals(v), k).toBe(true);
    const store = await openFeatureStore(join(dir, 'four'));
    expect(store.manifest.rows).toBe(tokens);
  });

  it('a resumed shard skips corpus chunks whose rows are done and rewrites only the lost store chunk', async () => {
    const path = join(dir, 'resume');
    const first = await build(path, { index: 1, count: 2 });
    expect(first.chunksSkipped).toBe(0);
    // Lose the last store chunk of shard 1, as a kill during its write would.
    const tokens = rowStarts[TEXTS] as number;
    const lastChunk = Math.ceil(tokens / STORE_CHUNK) - 1;
    await rm(join(path, 'checksums', `${lastChunk}.json`));
    const again = await build(path, { index: 1, count: 2 });
    expect(again.chunksSkipped).toBeGreaterThan(0);
    expect(again.textsProcessed).toBeLessThan(first.textsProcessed);
    expect(again.chunksWritten).toBeLessThanOrEqual(2);
    await build(path, { index: 0, count: 2 });
    await finalizeFeatureStore(path, { createdAt: CREATED });
    const reference = await snapshot(join(dir, 'one'));
    const resumed = await snapshot(path);
    for (const [k, v] of reference) expect(resumed.get(k)?.equals(v), k).toBe(true);
  });

  it('maps row ranges to the corpus chunks that hold them', () => {
    const starts = [0, 5, 9, 20, 21, 30];
    expect(corpusChunksOfRows(starts, { start: 0, end: 5 }, 2)).toEqual({ start: 0, end: 1 });
    expect(corpusChunksOfRows(starts, { start: 8, end: 21 }, 2)).toEqual({ start: 0, end: 2 });
    expect(corpusChunksOfRows(starts, { start: 21, end: 30 }, 2)).toEqual({ start: 2, end: 3 });
    expect(corpusChunksOfRows(starts, { start: 7, end: 7 }, 2)).toEqual({ start: 0, end: 0 });
  });
});
