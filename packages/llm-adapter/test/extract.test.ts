import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeFeatureStore, openFeatureStore } from '@dualxda/core';
import { expectClose } from '@dualxda/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countTokenRows,
  createMemorySink,
  createStoreSink,
  extractFeatures,
  openModel,
  readJsonlCorpus,
  type CorpusRow,
  type ExtractProgress,
  type FeatureModel,
  type MemorySink,
} from '../src/index.js';
import { ASSETS, checkpointDir } from './assets.js';

const N = 22;
const CHUNK = 8;
let rows: CorpusRow[];
let model: FeatureModel;
let tmp: string;

beforeAll(async () => {
  rows = [];
  for await (const r of readJsonlCorpus(join(ASSETS, 'corpus', 'train.jsonl'))) {
    rows.push(r);
    if (rows.length === N) break;
  }
  model = await openModel(checkpointDir('tiny-bert'));
  tmp = await mkdtemp(join(tmpdir(), 'llm-adapter-extract-'));
});
afterAll(async () => {
  await model.release();
  await rm(tmp, { recursive: true, force: true });
});

function concat(sink: MemorySink): { features: number[]; ids: string[] } {
  const ks = [...sink.chunks.keys()].sort((a, b) => a - b);
  return {
    features: ks.flatMap((k) => Array.from(sink.chunks.get(k)!.batch.features)),
    ids: ks.flatMap((k) => sink.chunks.get(k)!.batch.ids),
  };
}

describe('extractFeatures', () => {
  it('writes, per chunk, the same rows as embed in corpus order, with texts, logits and progress', async () => {
    const sink = createMemorySink();
    const progress: ExtractProgress[] = [];
    const res = await extractFeatures(model, rows, sink, { chunkRows: CHUNK, totalRows: N, batchSize: 4, maxLength: 32, onProgress: (p) => progress.push(p) });
    const direct = await model.embed(rows.map((r) => r.text), { maxLength: 32 });
    expectClose(concat(sink).features, direct.features, { rtol: 1e-4, atol: 1e-5 });
    expect(concat(sink).ids).toEqual(rows.map((r) => String(r.id)));
    expect(sink.chunks.get(2)?.batch.texts).toEqual(rows.slice(16).map((r) => r.text));
    expect(sink.chunks.get(0)?.batch.logits?.length).toBe(CHUNK * 3);
    expect(res).toMatchObject({ textsProcessed: N, rowsWritten: N, chunksWritten: 3, chunksSkipped: 0, truncated: direct.truncatedIndices });
    expect(progress.map((p) => p.chunksDone)).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toMatchObject({ textsDone: N, etaSeconds: 0, chunksTotal: 3 });
    expect(progress[0]!.tokensPerSecond).toBeGreaterThan(0);
    expect(sink.ended).toBe(true);
  });

  it('shards cover disjoint chunk ranges whose union is the whole corpus', async () => {
    const whole = createMemorySink();
    await extractFeatures(model, rows, whole, { chunkRows: CHUNK, totalRows: N, maxLength: 32 });
    const parts = [createMemorySink(), createMemorySink()];
    for (const [index, sink] of parts.entries()) await extractFeatures(model, rows, sink, { chunkRows: CHUNK, totalRows: N, maxLength: 32, shard: { index, count: 2 } });
    expect([...parts[0]!.chunks.keys()]).toEqual([0]);
    expect([...parts[1]!.chunks.keys()]).toEqual([1, 2]);
    const merged = createMemorySink();
    for (const p of parts) for (const [k, c] of p.chunks) merged.chunks.set(k, c);
    expect(concat(merged)).toEqual(concat(whole));
  });

  it('resumes: chunks the sink reports complete are skipped', async () => {
    const sink = createMemorySink([0, 2]);
    const res = await extractFeatures(model, rows, sink, { chunkRows: CHUNK, totalRows: N, maxLength: 32 });
    expect([...sink.chunks.keys()]).toEqual([1]);
    expect(res).toMatchObject({ chunksWritten: 1, chunksSkipped: 2, textsProcessed: CHUNK });
  });

  it('token head: one row per token, offsets = [corpus text index, position], token strings as texts', async () => {
    const sink = createMemorySink();
    const few = rows.slice(0, 5);
    await extractFeatures(model, few, sink, { head: 'token', chunkRows: 2, maxLength: 16 });
    const c = sink.chunks.get(1)!.batch;
    expect(c.tokenOffsets?.slice(0, 2)).toEqual(Int32Array.from([2, 0]));
    expect(c.texts[0]).toBe('[CLS]');
    expect(c.ids[0]).toBe(`${few[2]!.id}#0`);
    const { tokens } = await countTokenRows(model, few, { maxLength: 16 });
    expect([...sink.chunks.values()].reduce((a, ch) => a + ch.batch.labels.length, 0)).toBe(tokens);
  });

  it('rejects an empty text naming its corpus row and id, and a label outside the classes', async () => {
    const bad = [...rows.slice(0, 3), { id: 'blank', text: '  ', label: 0 }];
    await expect(extractFeatures(model, bad, createMemorySink(), { chunkRows: 2 })).rejects.toThrow(/row 3 \(id blank\) is empty/);
    const badLabel = [{ id: 'x', text: 'hello', label: 7 }];
    await expect(extractFeatures(model, badLabel, createMemorySink())).rejects.toThrow(/corpus\.label.*row 0 \(id x\)/);
  });

  it('writes a FeatureStore that reads back the same features, texts and logits', async () => {
    const path = join(tmp, 'seq.zarr');
    const mem = createMemorySink();
    await extractFeatures(model, rows, mem, { chunkRows: CHUNK, totalRows: N, maxLength: 32 });
    await extractFeatures(model, rows, createStoreSink(path), { chunkRows: CHUNK, totalRows: N, maxLength: 32 });
    const store = await openFeatureStore(path);
    expect(store.manifest).toMatchObject({ rows: N, dim: 32, head: 'sequence', layer: 'bert.pooler', classNames: ['class_a', 'class_b', 'class_c'] });
    const block = await store.readRows(0, N);
    expectClose(block.features, concat(mem).features, { rtol: 0, atol: 0 });
    expect(await store.readTexts?.(16, 18)).toEqual(rows.slice(16, 18).map((r) => r.text));
    expect((await store.readLogits?.(0, 1))?.length).toBe(3);
    // A second run over a complete store skips every chunk.
    const again = await extractFeatures(model, rows, createStoreSink(path), { chunkRows: CHUNK, totalRows: N, maxLength: 32 });
    expect(again).toMatchObject({ chunksWritten: 0, chunksSkipped: 3 });
  });

  it('two store shards fill one store that finalizes to the unsharded features', async () => {
    const path = join(tmp, 'sharded.zarr');
    const opts = { chunkRows: CHUNK, totalRows: N, maxLength: 32 };
    for (const index of [1, 0]) await extractFeatures(model, rows, createStoreSink(path), { ...opts, shard: { index, count: 2 } });
    const manifest = await finalizeFeatureStore(path);
    expect(manifest.rows).toBe(N);
    const mem = createMemorySink();
    await extractFeatures(model, rows, mem, opts);
    const store = await openFeatureStore(path);
    expectClose((await store.readRows(0, N)).features, concat(mem).features, { rtol: 0, atol: 0 });
    expect(await store.readIds(0, N)).toEqual(rows.map((r) => String(r.id)));
  });

  it('stops between chunks when the signal aborts', async () => {
    const ctrl = new AbortController();
    const sink = createMemorySink();
    const run = extractFeatures(model, rows, sink, { chunkRows: CHUNK, maxLength: 32, signal: ctrl.signal, onProgress: () => ctrl.abort() });
    await expect(run).rejects.toThrow();
    expect([...sink.chunks.keys()]).toEqual([0]);
  });

  it('token-head store: rows = counted tokens, offsets and token texts read back', async () => {
    const path = join(tmp, 'tokens.zarr');
    const few = rows.slice(0, 6);
    const opts = { head: 'token' as const, chunkRows: 4, maxLength: 16 };
    const { tokens } = await countTokenRows(model, few, opts);
    await extractFeatures(model, few, createStoreSink(path, { rows: tokens, tokenChunkRows: 32 }), opts);
    const store = await openFeatureStore(path);
    expect(store.manifest).toMatchObject({ rows: tokens, head: 'token', chunkRows: 32, layer: 'bert.encoder' });
    const block = await store.readRows(0, tokens);
    const mem = createMemorySink();
    await extractFeatures(model, few, mem, opts);
    expectClose(block.features, concat(mem).features, { rtol: 0, atol: 0 });
    const offsets = [...mem.chunks.values()].flatMap((c) => Array.from(c.batch.tokenOffsets ?? []));
    expect(Array.from(block.tokenOffsets ?? [])).toEqual(offsets);
    expect((await store.readTexts?.(0, 1))?.[0]).toBe('[CLS]');
    await expect(extractFeatures(model, few, createStoreSink(join(tmp, 't2.zarr')), opts)).rejects.toThrow(/option rows: token-head stores need/);
  });
});
