import { describe, expect, it } from 'vitest';
import type { ExtractProgress } from './types.js';
import { createProgressMeter } from './progress.js';

describe('createProgressMeter', () => {
  it('reports rates and an ETA from the chunk rate, counting skipped chunks as done', () => {
    let t = 0;
    const seen: ExtractProgress[] = [];
    const meter = createProgressMeter(4, (p) => seen.push(p), () => t);
    meter.skip();
    t = 2000;
    meter.chunk(10, 10, 500);
    expect(seen[1]).toMatchObject({ chunksDone: 1, chunksSkipped: 1, rowsPerSecond: 5, tokensPerSecond: 250, etaSeconds: 4 });
    expect(seen[0]?.etaSeconds).toBeNull();
  });
  it('has no ETA when the total is unknown', () => {
    let t = 0;
    const seen: ExtractProgress[] = [];
    const meter = createProgressMeter(null, (p) => seen.push(p), () => t);
    t = 1000;
    meter.chunk(1, 3, 30);
    expect(seen[0]).toMatchObject({ etaSeconds: null, rowsPerSecond: 3 });
  });
});
