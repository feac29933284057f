/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { DEFAULT_DIVERSITY_OPTIONS, proponentDiversity } from './diversity.js';
import { DEFAULT_SAMPLE_SEED, sampleRowIndices } from './sample-rows.js';

// Produced by tools/fixtures/diagnostics/generate.py (python sets and itertools.combinations).
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/spectrum.json', import.meta.url), 'utf8')) as {
  diversity: { lists: number[][]; trainRows: number; k: number; top1Row: number; top1Count: number; top1Concentration: number; distinctTop1: number; distinctTopK: number; meanJaccard: number; pairs: number };
};

describe('proponentDiversity', () => {
  it('matches the Python reference (top-1 concentration, distinct rows, mean pairwise Jaccard)', () => {
    const f = fx.diversity;
    const got = proponentDiversity({ proponents: f.lists, trainRows: f.trainRows }, { k: f.k });
    expect(got.proponents).toMatchObject({ queries: f.lists.length, empty: 1, k: f.k, top1Row: f.top1Row, top1Count: f.top1Count, distinctTop1: f.distinctTop1, distinctTopK: f.distinctTopK, pairs: f.pairs, top1Id: null });
    expectClose([got.proponents.top1Concentration, got.proponents.meanJaccard!], [f.top1Concentration, f.meanJaccard], { rtol: 1e-12 });
    expect(got.opponents).toBeNull();
  });

  it('every query with the same top-1 and the same set gives concentration 1 and Jaccard 1', () => {
    const lists = Array.from({ length: 30 }, (_, q) => (q % 2 === 0 ? [5, 1, 2, 3] : [5, 3, 2, 1]));
    const got = proponentDiversity({ proponents: lists, opponents: lists.map(() => [9]), trainRows: 10 }, { idOf: (r) => `mail-${r}` });
    expect(got.proponents).toMatchObject({ top1Row: 5, top1Id: 'mail-5', top1Count: 30, top1Concentration: 1, distinctTop1: 1, distinctTopK: 4, meanJaccard: 1, pairs: 435 });
    expect(got.opponents).toMatchObject({ top1Row: 9, top1Concentration: 1, meanJaccard: 1 });
  });

  it('disjoint lists give concentration 1/q, Jaccard 0; k cuts the lists and duplicates count once', () => {
    const lists = Array.from({ length: 8 }, (_, q) => [3 * q, 3 * q + 1, 3 * q + 2, 0]);
    const full = proponentDiversity({ proponents: lists, trainRows: 24 }, { k: 3 });
    expect(full.proponents).toMatchObject({ top1Concentration: 1 / 8, distinctTop1: 8, distinctTopK: 24, meanJaccard: 0, top1Row: 0 });
    const withTail = proponentDiversity({ proponents: lists, trainRows: 24 }, { k: 4 });
    expect(withTail.proponents.meanJaccard).toBeGreaterThan(0);
    expect(proponentDiversity({ proponents: [[1, 1, 2], [2, 1]], trainRows: 3 }).proponents.meanJaccard).toBe(1);
  });

  it('empty lists: skipped in pairs of two empties, 0 against a non-empty one; null when no pair is left', () => {
    expect(proponentDiversity({ proponents: [[], [], [1]], trainRows: 2 }).proponents).toMatchObject({ empty: 2, pairs: 2, meanJaccard: 0, top1Concentration: 1 / 3 });
    expect(proponentDiversity({ proponents: [[], []], trainRows: 2 }).proponents).toMatchObject({ top1Row: null, top1Count: 0, meanJaccard: null, pairs: 0 });
    expect(proponentDiversity({ proponents: [], trainRows: 0 }).proponents).toMatchObject({ queries: 0, top1Concentration: 0, meanJaccard: null });
  });

  it('rejects indices outside the training rows, mismatched opponents and bad k', () => {
    expect(() => proponentDiversity({ proponents: [[0, 4]], trainRows: 4 })).toThrow(/proponents: query 0 entry 1 is 4, outside 0\.\.3/);
    expect(() => proponentDiversity({ proponents: [[0]], opponents: [], trainRows: 4 })).toThrow(/option opponents/);
    expect(() => proponentDiversity({ proponents: [[0]], trainRows: 4 }, { k: 0 })).toThrow(/option k/);
    expect(DEFAULT_DIVERSITY_OPTIONS).toEqual({ k: 10 });
    expect(proponentDiversity({ proponents: [Array.from({ length: 20 }, (_, i) => i)], trainRows: 20 }).k).toBe(10);
  });
});

describe('sampleRowIndices', () => {
  it('is deterministic, sorted, distinct and within range; all rows when count ≥ n', () => {
    const a = sampleRowIndices(1000, 100);
    expect(Array.from(a)).toEqual(Array.from(sampleRowIndices(1000, 100, DEFAULT_SAMPLE_SEED)));
    expect(new Set(a).size).toBe(100);
    expect(a.every((x, i) => x >= 0 && x < 1000 && (i === 0 || x > a[i - 1]!))).toBe(true);
    expect(Array.from(sampleRowIndices(1000, 100, 1))).not.toEqual(Array.from(a));
    expect(Array.from(sampleRowIndices(4, 9))).toEqual([0, 1, 2, 3]);
    expect(sampleRowIndices(0, 3)).toHaveLength(0);
  });
  it('draws every row with about the same probability', () => {
    const hits = new Int32Array(20);
    for (let seed = 0; seed < 2000; seed++) for (const r of sampleRowIndices(20, 5, seed)) hits[r]! += 1;
    // Expected 500 per row; 5 sigma ≈ 100.
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(100);
  });
});
