/**
 * Serialises explanation records as JSON Lines and Parquet. The `*ToX` functions are pure (usable
 * in the browser); the `write*` functions write a temp file next to the target and rename it, so a
 * reader never sees a partial file.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { DualxdaError } from '../errors.js';
import type { ExplanationRecord } from './records.js';

/** One JSON object per line, keys in a fixed order. */
export function explanationsToJsonl(records: readonly ExplanationRecord[]): string {
  let s = '';
  for (const r of records) {
    s += `${JSON.stringify({ test_id: r.test_id, train_id: r.train_id, class: r.class, score: r.score, model_hash: r.model_hash, dataset_revision: r.dataset_revision })}\n`;
  }
  return s;
}

/**
 * A Parquet file (snappy) with columns test_id, train_id, class (UTF-8), score (double), model_hash,
 * dataset_revision. Async because the writer library is loaded on first use: importing it with the
 * package cost every command ~80 ms and 8 MiB at start-up (51 of the CLI's 220 modules).
 */
export async function explanationsToParquet(records: readonly ExplanationRecord[]): Promise<ArrayBuffer> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const col = (name: keyof ExplanationRecord): string[] => records.map((r) => r[name] as string);
  return parquetWriteBuffer({
    columnData: [
      { name: 'test_id', data: col('test_id'), type: 'STRING', nullable: false },
      { name: 'train_id', data: col('train_id'), type: 'STRING', nullable: false },
      { name: 'class', data: col('class'), type: 'STRING', nullable: false },
      { name: 'score', data: Float64Array.from(records, (r) => r.score), type: 'DOUBLE', nullable: false },
      { name: 'model_hash', data: col('model_hash'), type: 'STRING', nullable: false },
      { name: 'dataset_revision', data: col('dataset_revision'), type: 'STRING', nullable: false },
    ],
  });
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new DualxdaError('ExportError', `${path}: could not write explanations (${String(cause)})`, { cause });
  }
}

/**
 * @example
 * await writeExplanationsJsonl('explanations.jsonl', records);
 */
export async function writeExplanationsJsonl(path: string, records: readonly ExplanationRecord[]): Promise<void> {
  await writeAtomic(path, explanationsToJsonl(records));
}

/**
 * @example
 * await writeExplanationsParquet('explanations.parquet', records);
 */
export async function writeExplanationsParquet(path: string, records: readonly ExplanationRecord[]): Promise<void> {
  await writeAtomic(path, new Uint8Array(await explanationsToParquet(records)));
}
