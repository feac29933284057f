import { describe, expect, it } from 'vitest';
import { percentile, summarize, timeRuns, trackPeakRss } from './bench-harness.js';

describe('bench harness', () => {
  it('computes nearest-rank percentiles', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 100)).toBe(5);
    expect(percentile(v, 0)).toBe(1);
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile(v, 101)).toThrow(/p must be/);
  });
  it('summarises timings', () => {
    const s = summarize([2, 4, 6, 8]);
    expect(s).toMatchObject({ runs: 4, min: 2, max: 8, mean: 5, p50: 4 });
  });
  it('times runs and tracks a positive peak RSS', async () => {
    let calls = 0;
    const stats = await timeRuns(() => calls++, { runs: 3, warmup: 1 });
    expect(calls).toBe(4);
    expect(stats.runs).toBe(3);
    const rss = trackPeakRss();
    expect(rss.stop()).toBeGreaterThan(1);
  });
});
