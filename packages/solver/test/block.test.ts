import { describe, expect, it } from 'vitest';
import { solveCrammerSinger, solveCrammerSingerBlocks } from '../src/index.js';
import { identityError, makeBlobs } from './helpers.js';
import { createMemorySource } from './memory-source.js';

const n = 1000, d = 8, K = 4;
const { x: x64, y } = makeBlobs(n, d, K, 5);
// The store hands out float32; compare against the serial solver on the same float32 values.
const x = Float64Array.from(Float32Array.from(x64));

describe('solveCrammerSingerBlocks (block minimisation over FeatureStore chunks)', () => {
  it.each([
    [1e-3, 20_000],
    [1e-1, 20_000],
  ])('matches the in-memory objective to 1e-4 relative (C=%s, hotRows=%s)', async (C, hotRows) => {
    const src = createMemorySource(x, y, n, d, 128);
    const r = await solveCrammerSingerBlocks(src, { C, hotRows });
    const ref = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C });
    expect(r.stopReason).toBe('tolerance');
    expect(Math.abs(r.primalObjective - ref.primalObjective) / ref.primalObjective).toBeLessThan(1e-4);
    expect(r.dualityGap / r.primalObjective).toBeLessThan(1e-3);
    expect(identityError(r, x, y, n, C)).toBeLessThan(1e-9);
  });

  it('keeps support vectors hot so it needs fewer epochs than without them', async () => {
    const hot = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 100), { C: 0.1, innerPasses: 2 });
    const cold = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 100), { C: 0.1, innerPasses: 2, hotRows: 0, maxPasses: hot.iterations });
    expect(hot.stopReason).toBe('tolerance');
    expect(cold.stopReason).toBe('maxPasses');
    expect(cold.dualityGap).toBeGreaterThan(hot.dualityGap);
  });

  it('warm-starts from an in-memory solution in fewer epochs than a cold start', async () => {
    const prev = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C: 0.1, tolerance: 1e-6 });
    const r = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 256), { C: 0.1, warmStart: prev });
    const cold = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 256), { C: 0.1 });
    expect(r.stopReason).toBe('tolerance');
    expect(r.iterations).toBeLessThan(cold.iterations);
  });

  it('stops on maxPasses and on abort with exact identities', async () => {
    const r = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 256), { C: 10, maxPasses: 1 });
    expect(r.stopReason).toBe('maxPasses');
    expect(identityError(r, x, y, n, 10)).toBeLessThan(1e-9);
    const a = await solveCrammerSingerBlocks(createMemorySource(x, y, n, d, 256), { C: 10, shouldStop: () => true });
    expect(a.stopReason).toBe('aborted');
  });

  it('rejects non-finite chunk data naming the row', async () => {
    const bad = Float64Array.from(x, (v, t) => (t === 5 * d + 2 ? NaN : v));
    await expect(solveCrammerSingerBlocks(createMemorySource(bad, y, n, d, 256), {})).rejects.toThrow(/source: non-finite feature at row 5, column 2/);
  });
});
