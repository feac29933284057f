/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test indexes the results it asserts */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../store/test-utils.js';
import type { CorpusRow } from './corpus.js';
import { readCorpus } from './corpus.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function collect(gen: AsyncGenerator<CorpusRow[]>): Promise<CorpusRow[][]> {
  const out: CorpusRow[][] = [];
  for await (const b of gen) out.push(b);
  return out;
}

describe('readCorpus', () => {
  it('streams a Hugging Face style Parquet file one row group per batch', async () => {
    const texts = Array.from({ length: 7 }, (_, i) => `sentence ${i} – ünïcode`);
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'text', data: texts, type: 'STRING' },
        { name: 'label', data: BigInt64Array.from([0n, 1n, 1n, 0n, 2n, 2n, 1n]), type: 'INT64' },
        { name: 'idx', data: Int32Array.from([10, 11, 12, 13, 14, 15, 16]), type: 'INT32' },
      ],
      rowGroupSize: 3,
    });
    const file = join(dir, 'train.parquet');
    await writeFile(file, new Uint8Array(buf));
    const batches = await collect(readCorpus(file));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches[2][0]).toEqual({ id: '16', text: texts[6], label: 1 });
    expect(batches[0][1].label).toBe(1);
  });

  it('streams JSONL in batches, defaulting ids to the row index, and names bad rows', async () => {
    const file = join(dir, 'train.jsonl');
    await writeFile(file, ['{"text":"a","label":"pos"}', '', '{"text":"b","label":"neg"}', '{"text":"c","label":"pos"}'].join('\n'));
    const batches = await collect(readCorpus(file, { batchRows: 2 }));
    expect(batches.map((b) => b.map((r) => `${r.id}:${r.text}:${r.label}`))).toEqual([['0:a:pos', '1:b:neg'], ['2:c:pos']]);
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"text":"a","label":1}\n{"label":2}\n');
    await expect(collect(readCorpus(bad))).rejects.toThrow(/bad\.jsonl: field 'text' row 1: missing/);
    await expect(collect(readCorpus(join(dir, 'x.csv')))).rejects.toThrow(/unsupported corpus format/);
  });

  it('reads per-token label lists from JSONL and from a Parquet list column, naming a bad element', async () => {
    const file = join(dir, 'ner.jsonl');
    await writeFile(file, '{"id":"a","text":"Ann lives here","label":[1,0,"O"]}\n');
    const [[row]] = await collect(readCorpus(file));
    expect(row!.label).toEqual([1, 0, 'O']);
    const pq = join(dir, 'ner.parquet');
    // hyparquet-writer stores nested arrays as a JSON column; hyparquet decodes it back to lists.
    const buf = parquetWriteBuffer({ columnData: [{ name: 'text', data: ['Ann lives here'], type: 'STRING' }, { name: 'label', data: [[1, 0, 0]], type: 'JSON' }] });
    await writeFile(pq, new Uint8Array(buf));
    expect((await collect(readCorpus(pq)))[0]![0]!.label).toEqual([1, 0, 0]);
    const bad = join(dir, 'bad-list.jsonl');
    await writeFile(bad, '{"text":"a b","label":[0,null]}\n');
    await expect(collect(readCorpus(bad))).rejects.toThrow(/bad-list\.jsonl: field 'label\[1\]' row 0: is null/);
    await writeFile(bad, '{"text":"a b","label":[]}\n');
    await expect(collect(readCorpus(bad))).rejects.toThrow(/field 'label' row 0: is an empty list/);
  });
});
