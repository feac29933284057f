import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explain } from '../attribution/explain.js';
import { createSyntheticModel } from '../model/synthetic.js';
import { writeExplanationsJsonl, writeExplanationsParquet } from './formats.js';
import { explanationRecords } from './records.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualda-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const { model, features } = createSyntheticModel({ n: 60, d: 5, K: 3, seed: 11 });
const result = explain(model, { data: features.slice(0, 15), shape: [3, 5] }, { topK: 2, mode: 'dense' });

describe('explanation export', () => {
  it('emits top-k rows with stable ids, class names, model hash and dataset revision', () => {
    const recs = explanationRecords(result, model, { testIds: ['t0', 't1', 't2'] });
    const row0 = result.rows[0];
    expect(recs.filter((r) => r.test_id === 't0').map((r) => r.train_id)).toEqual([...(row0?.proponents ?? []), ...(row0?.opponents ?? [])].map((a) => a.id));
    expect(recs[0]).toMatchObject({ class: model.classNames[row0?.target ?? -1], model_hash: 'synthetic-model', dataset_revision: 'synthetic-rev' });
    const dense = explanationRecords(result, model, { testIds: ['t0', 't1', 't2'], source: 'dense' });
    expect(dense.every((r) => r.score !== 0)).toBe(true);
    expect(dense.length).toBeGreaterThan(recs.length);
    expect(() => explanationRecords(result, model, { testIds: ['t0'] })).toThrow(/testIds/);
  });

  it('writes JSONL and Parquet that read back identically (hyparquet)', async () => {
    const recs = explanationRecords(result, model, { testIds: ['t0', 't1', 't2'] });
    await writeExplanationsJsonl(join(dir, 'e.jsonl'), recs);
    await writeExplanationsParquet(join(dir, 'e.parquet'), recs);
    const lines = (await readFile(join(dir, 'e.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(recs);
    const buf = await readFile(join(dir, 'e.parquet'));
    const back = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    expect(back).toEqual(recs);
    expect((await readdir(dir)).sort()).toEqual(['e.jsonl', 'e.parquet']);
  });

  it('names the path when a write fails', async () => {
    await expect(writeExplanationsJsonl(join(dir, 'missing', 'e.jsonl'), [])).rejects.toThrow(/missing\/e.jsonl/);
  });
});
