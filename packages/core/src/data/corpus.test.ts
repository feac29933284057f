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
});
