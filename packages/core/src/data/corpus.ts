import { InvalidInputError } from '../store/errors.js';
import { openParquet } from './parquet-file.js';

/** One training example of a classification corpus. */
export interface CorpusRow {
  /** Stable id: the id column when present, else the row index (as a decimal string). */
  id: string;
  text: string;
  /**
   * Label as stored (Hugging Face ClassLabel columns are integers), or, for token classification,
   * one label per word or per token (`[0, 1, 0]`; a Parquet list column); the token-head cache
   * aligns the list to token rows.
   */
  label: number | string | (number | string)[];
}

/** Column names of a corpus; defaults follow Hugging Face datasets' Parquet exports. */
export interface CorpusReaderOptions {
  /** @default 'text' */
  textColumn?: string;
  /** @default 'label' */
  labelColumn?: string;
  /** Id column; default 'id' or 'idx' when present, else the row index. */
  idColumn?: string;
  /** Rows per yielded batch for JSONL (Parquet yields one row group per batch). @default 1024 */
  batchRows?: number;
}

/** A per-word/per-token label list: numbers (bigints from Parquet INT64 lists) or class names. */
function labelList(file: string, column: string, list: unknown[], row: number): (number | string)[] {
  if (list.length === 0) throw new InvalidInputError(file, column, 'is an empty list (give one label per word or per token)', row);
  return list.map((v, i) => {
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'number' || typeof v === 'string') return v;
    throw new InvalidInputError(file, `${column}[${i}]`, `is ${v === null ? 'null' : typeof v}, not a number or string`, row);
  });
}

function toRow(file: string, rec: Record<string, unknown>, row: number, cols: { text: string; label: string; id?: string }): CorpusRow {
  const text = rec[cols.text];
  if (typeof text !== 'string') throw new InvalidInputError(file, cols.text, text === undefined ? 'missing' : `is ${typeof text}, not a string`, row);
  let raw = rec[cols.label];
  if (typeof raw === 'bigint') raw = Number(raw);
  if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) raw = Array.from(raw as unknown as ArrayLike<number | bigint>);
  let label: CorpusRow['label'];
  if (Array.isArray(raw)) label = labelList(file, cols.label, raw, row);
  else if (typeof raw === 'number' || typeof raw === 'string') label = raw;
  else throw new InvalidInputError(file, cols.label, raw === undefined ? 'missing' : `is ${typeof raw}, not a number, string or list of them`, row);
  let id = String(row);
  if (cols.id !== undefined) {
    const v = rec[cols.id];
    if (v === undefined || v === null) throw new InvalidInputError(file, cols.id, 'missing', row);
    id = String(v);
  }
  return { id, text, label };
}

async function* readJsonl(file: string, o: CorpusReaderOptions): AsyncGenerator<CorpusRow[]> {
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const cols = { text: o.textColumn ?? 'text', label: o.labelColumn ?? 'label', id: o.idColumn };
  const batchRows = o.batchRows ?? 1024;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let batch: CorpusRow[] = [];
  let row = 0;
  let lineNo = 0;
  let idChecked = o.idColumn !== undefined;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (cause) {
      throw new InvalidInputError(file, `line ${lineNo}`, `not valid JSON (${(cause as Error).message})`);
    }
    if (!idChecked) {
      // The first record decides the default id column, so ids stay consistent for the whole file.
      cols.id = 'id' in rec ? 'id' : 'idx' in rec ? 'idx' : undefined;
      idChecked = true;
    }
    batch.push(toRow(file, rec, row++, cols));
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* readParquetCorpus(file: string, o: CorpusReaderOptions): AsyncGenerator<CorpusRow[]> {
  const pq = await openParquet(file);
  const cols = { text: o.textColumn ?? 'text', label: o.labelColumn ?? 'label', id: o.idColumn };
  if (cols.id === undefined) cols.id = pq.columns.includes('id') ? 'id' : pq.columns.includes('idx') ? 'idx' : undefined;
  pq.require(cols.text);
  pq.require(cols.label);
  if (cols.id !== undefined) pq.require(cols.id);
  const names = [cols.text, cols.label, ...(cols.id === undefined ? [] : [cols.id])];
  for (const rg of pq.rowGroups) {
    const recs = await pq.read(names, rg.start, rg.end);
    yield recs.map((rec, i) => toRow(file, rec, rg.start + i, cols));
  }
}

/**
 * Streams a training corpus (`.jsonl`/`.json` lines or `.parquet`, Hugging Face datasets layout:
 * `text`, `label`, optional `id`/`idx`) in batches: JSONL by `batchRows`, Parquet one row group at
 * a time, so memory stays bounded by one batch.
 *
 * @example
 * for await (const batch of readCorpus('train.parquet')) for (const row of batch) embed(row.text);
 */
export async function* readCorpus(file: string, options: CorpusReaderOptions = {}): AsyncGenerator<CorpusRow[]> {
  if (/\.parquet$/i.test(file)) return yield* readParquetCorpus(file, options);
  if (/\.(jsonl|ndjson|json)$/i.test(file)) return yield* readJsonl(file, options);
  throw new InvalidInputError(file, 'file', 'unsupported corpus format (use .jsonl, .ndjson or .parquet)');
}
