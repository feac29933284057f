import { describe, expect, it } from 'vitest';
import type { RowBlock, ZarrFeatureStore } from '@dualxda/core';
import { createRunContext } from '../context.js';
import { readFitRows } from './fit-rows.js';

const sink = { write: () => true, isTTY: false };
const ctx = createRunContext({ stdout: sink, stderr: sink, cwd: process.cwd(), signal: new AbortController().signal, json: false, quiet: true, verbose: false });

/** A store of `x` (rows x dim) served in chunks of `chunkRows`: all readFitRows reads. */
function fakeStore(x: Float32Array, rows: number, dim: number, chunkRows: number): ZarrFeatureStore {
  return {
    rows,
    dim,
    chunkRows,
    async *iterChunks() {
      for (let start = 0; start < rows; start += chunkRows) {
        const n = Math.min(chunkRows, rows - start);
        const block: RowBlock = { start, rows: n, dim, features: x.slice(start * dim, (start + n) * dim), labels: new Int32Array(n), ids: Array.from({ length: n }, (_, i) => String(start + i)), norms: new Float32Array(n) };
        yield block;
      }
    },
  } as unknown as ZarrFeatureStore;
}

/** Rows x dim features, non-zero only in `live` columns (row-dependent values). */
function features(rows: number, dim: number, liveFrom: (j: number) => number): Float32Array {
  const x = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) if (i >= liveFrom(j)) x[i * dim + j] = ((i * 7 + j * 3) % 11) - 5 || 1;
  return x;
}

/** What fit must hold: the columns non-zero in some row, and the rows restricted to them. */
function expected(x: Float32Array, rows: number, dim: number): { cols: number[]; compact: number[] } {
  const cols = Array.from({ length: dim }, (_, j) => j).filter((j) => Array.from({ length: rows }, (_, i) => x[i * dim + j]).some((v) => v !== 0));
  const compact = Array.from({ length: rows }, (_, i) => cols.map((j) => x[i * dim + j] as number)).flat();
  return { cols, compact };
}

describe('readFitRows', () => {
  it('keeps the columns non-zero in the first chunk, compacted as read', async () => {
    const x = features(50, 6, (j) => (j === 1 || j === 4 ? Infinity : 0));
    const m = await readFitRows(fakeStore(x, 50, 6, 8), ctx);
    const e = expected(x, 50, 6);
    expect(Array.from(m.cols ?? [])).toEqual([0, 2, 3, 5]);
    expect(Array.from(m.features)).toEqual(e.compact);
    expect(m.features.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(m.ids[49]).toBe('49');
  });

  it('adds a column the first chunk left at zero when a later chunk has a value in it', async () => {
    // Column 4 comes alive at row 30 (chunk 3), column 1 never.
    const x = features(50, 6, (j) => (j === 1 ? Infinity : j === 4 ? 30 : 0));
    const m = await readFitRows(fakeStore(x, 50, 6, 8), ctx);
    const e = expected(x, 50, 6);
    expect(Array.from(m.cols ?? [])).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(m.features)).toEqual(e.compact);
  });

  it('keeps the store width when a value is not finite (the solver names it) or every column is live', async () => {
    const x = features(50, 6, (j) => (j === 1 ? Infinity : 0));
    x[41 * 6 + 2] = Number.NaN;
    const m = await readFitRows(fakeStore(x, 50, 6, 8), ctx);
    expect(m.cols).toBeUndefined();
    expect(Array.from(m.features)).toEqual(Array.from(x));
    // Two misses (column 4 at row 20, column 1 at row 40): full width, then the columns over all rows.
    const twice = features(50, 6, (j) => (j === 4 ? 20 : j === 1 ? 40 : j === 2 ? Infinity : 0));
    const t = await readFitRows(fakeStore(twice, 50, 6, 8), ctx);
    expect(Array.from(t.cols ?? [])).toEqual([0, 1, 3, 4, 5]);
    expect(Array.from(t.features)).toEqual(expected(twice, 50, 6).compact);
    const late = features(50, 6, (j) => (j === 1 ? 20 : 0));
    const l = await readFitRows(fakeStore(late, 50, 6, 8), ctx);
    expect(l.cols).toBeUndefined();
    expect(Array.from(l.features)).toEqual(Array.from(late));
    const all = features(20, 3, () => 0);
    const n = await readFitRows(fakeStore(all, 20, 3, 8), ctx);
    expect(n.cols).toBeUndefined();
    expect(Array.from(n.features)).toEqual(Array.from(all));
  });
});
