import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClassSet, resolveClassSet, restrictToClasses } from './fit-classes.js';
import type { FitRows } from './fit-rows.js';

const names = ['<pad>', 'a', 'b', 'c', 'd'];
const labels = Int32Array.of(1, 3, 3, 4, 1, 3, 2);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fit-classes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseClassSet', () => {
  it('reads labels, top:N and a file path; names the flag on a bad N', () => {
    expect(parseClassSet('labels', '--classes')).toEqual({ kind: 'labels' });
    expect(parseClassSet('top:3', '--classes')).toEqual({ kind: 'top', n: 3 });
    expect(parseClassSet('ids.txt', '--classes')).toEqual({ kind: 'file', path: 'ids.txt' });
    expect(() => parseClassSet('top:x', '--classes')).toThrow(/--classes top:N needs a positive integer N/);
  });
});

describe('resolveClassSet', () => {
  it('labels: the classes with a training row; top:N: the most frequent, ties to the smaller id', async () => {
    expect(Array.from(await resolveClassSet({ kind: 'labels' }, labels, names))).toEqual([1, 2, 3, 4]);
    expect(Array.from(await resolveClassSet({ kind: 'top', n: 2 }, labels, names))).toEqual([1, 3]);
    // 2 and 4 tie with one row each: the smaller id wins.
    expect(Array.from(await resolveClassSet({ kind: 'top', n: 3 }, labels, names))).toEqual([1, 2, 3]);
    expect(Array.from(await resolveClassSet({ kind: 'top', n: 99 }, labels, names))).toEqual([1, 2, 3, 4]);
  });
  it('a file: ids or names per line, or a JSON array; unknown entries are named', async () => {
    await writeFile(join(dir, 'lines.txt'), 'c\n1\n\nc\n');
    expect(Array.from(await resolveClassSet({ kind: 'file', path: join(dir, 'lines.txt') }, labels, names))).toEqual([1, 3]);
    await writeFile(join(dir, 'list.json'), '[4, "b"]');
    expect(Array.from(await resolveClassSet({ kind: 'file', path: join(dir, 'list.json') }, labels, names))).toEqual([2, 4]);
    await writeFile(join(dir, 'bad.txt'), '1\n7\n');
    await expect(resolveClassSet({ kind: 'file', path: join(dir, 'bad.txt') }, labels, names)).rejects.toThrow(/bad\.txt: entry 2 \("7"\) is not a class of the store \(an id in \[0, 4\]/);
  });
});

describe('restrictToClasses', () => {
  it('keeps the rows of the set in order, remaps labels to candidate indices and counts the rest', () => {
    const d = 2;
    const m: FitRows = {
      rows: 7,
      dim: d,
      features: Float32Array.from({ length: 7 * d }, (_, i) => i),
      cols: undefined,
      labels: labels.slice(),
      ids: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
      norms: Float32Array.from({ length: 7 }, (_, i) => 10 + i),
    };
    const r = restrictToClasses(m, Int32Array.of(1, 3));
    expect(r.dropped).toBe(2);
    expect(Array.from(r.storeRows)).toEqual([0, 1, 2, 4, 5]);
    expect(m.rows).toBe(5);
    expect(Array.from(m.labels)).toEqual([0, 1, 1, 0, 1]);
    expect(m.ids).toEqual(['r0', 'r1', 'r2', 'r4', 'r5']);
    expect(Array.from(m.norms)).toEqual([10, 11, 12, 14, 15]);
    expect(Array.from(m.features)).toEqual([0, 1, 2, 3, 4, 5, 8, 9, 10, 11]);
  });
});
