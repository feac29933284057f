import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../test/helpers.js';
import { solveCrammerSinger } from './solve.js';
import { solveCrammerSingerAsync } from './solve-async.js';

describe('solveCrammerSingerAsync', () => {
  it('returns exactly what the serial solver returns for the same seed', async () => {
    const n = 300, d = 5, K = 3;
    const { x, y } = makeBlobs(n, d, K, 11);
    const feats = { data: x, shape: [n, d] as [number, number] };
    const a = await solveCrammerSingerAsync(feats, y, { C: 0.1, seed: 3 });
    const b = solveCrammerSinger(feats, y, { C: 0.1, seed: 3 });
    expect(a.stopReason).toBe('tolerance');
    expect(a.iterations).toBe(b.iterations);
    expect(Array.from(a.svAlpha)).toEqual(Array.from(b.svAlpha));
    expect(a.primalObjective).toBe(b.primalObjective);
  });

  it('lets a timer abort it between passes (the event loop gets turns while it solves)', async () => {
    // Large C without shrinking converges slowly, so the solve is still running when the timer fires.
    const n = 3000, d = 16, K = 5;
    const { x, y } = makeBlobs(n, d, K, 5);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const r = await solveCrammerSingerAsync({ data: x, shape: [n, d] }, y, { C: 100, tolerance: 1e-12, shrinking: false, signal: ac.signal });
    expect(r.stopReason).toBe('aborted');
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.iterations).toBeLessThan(100_000);
  });
});
