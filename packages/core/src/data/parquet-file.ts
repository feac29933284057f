import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { InvalidInputError } from '../store/errors.js';

/** An opened Parquet file: metadata read once, rows read by range (hyparquet reads only the needed row groups). */
export interface ParquetFile {
  readonly file: string;
  readonly rows: number;
  readonly columns: string[];
  /** [start, end) of each row group, for streaming row group by row group. */
  readonly rowGroups: { start: number; end: number }[];
  read(columns: string[], start: number, end: number): Promise<Record<string, unknown>[]>;
  /** Throws InvalidInputError naming the file and column when `name` is absent. */
  require(name: string): void;
}

/**
 * Opens a local Parquet file with hyparquet.
 *
 * @example
 * const pq = await openParquet('train.parquet');
 * const rows = await pq.read(['text', 'label'], 0, 100);
 */
export async function openParquet(file: string): Promise<ParquetFile> {
  // Loaded lazily: hyparquet's file helper is node-only and the package index must stay browser-safe.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (cause) {
    throw new InvalidInputError(file, 'file', `cannot read Parquet metadata (${(cause as Error).message})`);
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const rowGroups: { start: number; end: number }[] = [];
  let pos = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    rowGroups.push({ start: pos, end: pos + n });
    pos += n;
  }
  return {
    file,
    rows: Number(metadata.num_rows),
    columns,
    rowGroups,
    read: (cols, start, end) => parquetReadObjects({ file: buffer, metadata, columns: cols, rowStart: start, rowEnd: end }) as Promise<Record<string, unknown>[]>,
    require(name) {
      if (!columns.includes(name)) throw new InvalidInputError(file, name, `no such column (have: ${columns.join(', ')})`);
    },
  };
}
