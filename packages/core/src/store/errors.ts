import type { ShardReport } from './shard-marker.js';
import { DualxdaError } from '../errors.js';

/**
 * Tagged errors of the feature store. Each names the store path and, where it applies, the array,
 * chunk and field, so a CLI can print one actionable line.
 */

/** The store's metadata is missing, malformed, unfinalized or written by a newer schema. */
export class StoreFormatError extends DualxdaError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('StoreFormatError', `${path}: ${message}`, options);
  }
}

/** Why a chunk could not be trusted. */
export type ChunkProblem = 'missing' | 'truncated' | 'checksum' | 'decode';

const PROBLEM_TEXT: Record<ChunkProblem, string> = {
  missing: 'is missing',
  truncated: 'is truncated',
  checksum: 'fails its checksum (corrupted)',
  decode: 'cannot be decoded',
};

/** A chunk file is missing, truncated, fails its checksum or does not decode. */
export class ChunkError extends DualxdaError {
  constructor(
    readonly path: string,
    readonly array: string,
    readonly chunk: number,
    readonly key: string,
    readonly problem: ChunkProblem,
    detail = '',
    options?: { cause?: unknown },
  ) {
    super('ChunkError', `${path}: chunk ${chunk} of array '${array}' (${key}) ${PROBLEM_TEXT[problem]}${detail ? `: ${detail}` : ''}`, options);
  }
}

/** A half-open row range [start, end). */
export interface RowRange {
  start: number;
  end: number;
}

/** `finalize()` found chunks that no shard completed (or that failed verification). */
export class IncompleteStoreError extends DualxdaError {
  constructor(
    readonly path: string,
    readonly missing: RowRange[],
    readonly problems: string[],
    /** Per-shard status, when the store's shard count is known (from shard markers or the caller). */
    readonly shards: ShardReport[] = [],
  ) {
    const bad = shards.filter((s) => s.state !== 'complete');
    let detail: string;
    if (bad.length > 0) {
      const shown = bad.slice(0, 4).map((s) => `shard ${s.index}/${s.count} ${s.state} (rows [${s.rows.start}, ${s.rows.end}))`);
      detail = `${bad.length} of ${shards.length} shards incomplete: ${shown.join(', ')}${bad.length > 4 ? `, ... ${bad.length - 4} more` : ''}`;
    } else {
      const ranges = missing.map((r) => `[${r.start}, ${r.end})`).join(', ');
      const extra = problems.length > 0 ? `; ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; ... ${problems.length - 5} more` : ''}` : '';
      detail = `rows missing or invalid: ${ranges}${extra}`;
    }
    super('IncompleteStoreError', `${path}: cannot finalize, ${detail}`);
  }
}

/** Another live writer holds this shard of the store. */
export class StoreLockedError extends DualxdaError {
  constructor(
    readonly path: string,
    readonly lockFile: string,
    message: string,
  ) {
    super('StoreLockedError', `${path}: ${message}`);
  }
}

/** Input rows or an import file are malformed; names the source, the field and (when known) the row. */
export class InvalidInputError extends DualxdaError {
  constructor(
    readonly source: string,
    readonly field: string,
    message: string,
    readonly row?: number,
  ) {
    super('InvalidInputError', `${source}: field '${field}'${row === undefined ? '' : ` row ${row}`}: ${message}`);
  }
}

/** Merges sorted chunk indices into row ranges (clipped to `rows`). */
export function chunksToRanges(chunks: number[], chunkRows: number, rows: number): RowRange[] {
  const out: RowRange[] = [];
  for (const k of chunks) {
    const start = k * chunkRows;
    const end = Math.min(rows, start + chunkRows);
    const last = out[out.length - 1];
    if (last !== undefined && last.end === start) last.end = end;
    else out.push({ start, end });
  }
  return out;
}
