import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../src/errors.js';
import { createOnnxPoolRunner } from '../src/onnx/pool-runner.js';
import { padBatch } from '../src/tokenize/pad-batch.js';
import { createMemorySink, encodeTexts, extractFeatures, openModel, readJsonlCorpus, type CorpusRow, type FeatureModel, type MemorySink } from '../src/index.js';
import { ASSETS, checkpointDir } from './assets.js';

const N = 30;
let rows: CorpusRow[];
let model: FeatureModel;

beforeAll(async () => {
  rows = [];
  for await (const r of readJsonlCorpus(join(ASSETS, 'corpus', 'train.jsonl'))) {
    rows.push(r);
    if (rows.length === N) break;
  }
  model = await openModel(checkpointDir('tiny-bert'), { intraOpThreads: 1 });
});
afterAll(async () => {
  await model.release();
});

function chunks(sink: MemorySink): { k: number; features: number[]; ids: string[]; logits: number[] }[] {
  return [...sink.chunks.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const b = (sink.chunks.get(k) as NonNullable<ReturnType<MemorySink['chunks']['get']>>).batch;
      return { k, features: Array.from(b.features), ids: b.ids, logits: Array.from(b.logits ?? []) };
    });
}

describe('extractFeatures with workers (pool of ONNX sessions, pipelined chunks)', () => {
  it.each(['sequence', 'token'] as const)('writes the in-process result exactly, chunk by chunk in order (%s head)', async (head) => {
    const opts = { head, chunkRows: 7, totalRows: N, batchSize: 3, maxLength: 32 };
    const serial = createMemorySink();
    const serialRes = await extractFeatures(model, rows, serial, opts);
    const pooled = createMemorySink();
    const done: number[] = [];
    const pooledRes = await extractFeatures(model, rows, pooled, { ...opts, workers: 2, onProgress: (p) => done.push(p.chunksDone) });
    expect(chunks(pooled)).toEqual(chunks(serial));
    expect(pooledRes).toMatchObject({ ...serialRes, seconds: expect.any(Number) });
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  it('reports a failing chunk after writing the chunks before it, and stops its workers', async () => {
    const bad = rows.slice(0, 20).map((r, i) => (i === 16 ? { ...r, text: '' } : r));
    const sink = createMemorySink();
    await expect(extractFeatures(model, bad, sink, { chunkRows: 5, totalRows: 20, workers: 2 })).rejects.toThrow(/row 16/);
    expect([...sink.chunks.keys()].sort()).toEqual([0, 1, 2]);
  });

  it('rejects a bad worker count, naming the option', async () => {
    await expect(extractFeatures(model, rows, createMemorySink(), { workers: -1 })).rejects.toThrow(/workers/);
  });
});

describe('createOnnxPoolRunner', () => {
  it('runs concurrent batches on its workers with the in-process session results', async () => {
    const ckpt = model.checkpoint;
    const enc = encodeTexts(ckpt.tokenizer, rows.slice(0, 8).map((r) => r.text), 32);
    const batches = [padBatch(enc.ids.slice(0, 4), 0), padBatch(enc.ids.slice(4), 0)];
    const pool = await createOnnxPoolRunner(ckpt.onnxPath as string, { workers: 2 });
    try {
      expect(pool.outputNames).toEqual(model.runner.outputNames);
      const got = await Promise.all(batches.map((b) => pool.run(b, ['features', 'logits'])));
      for (const [i, b] of batches.entries()) expect(got[i]).toEqual(await model.runner.run(b, ['features', 'logits']));
    } finally {
      await pool.release();
    }
  });

  it('names the graph it cannot load, and the option it cannot take', async () => {
    await expect(createOnnxPoolRunner(join(ASSETS, 'no-such', 'onnx', 'model.onnx'), { workers: 1 })).rejects.toThrow(ModelLoadError);
    await expect(createOnnxPoolRunner('x.onnx', { workers: 0 })).rejects.toThrow(/workers/);
  });
});
