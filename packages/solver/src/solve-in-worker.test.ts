import { isDualxdaError } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../test/helpers.js';
import { solveCrammerSinger } from './solve.js';
import { solveCrammerSingerInWorker } from './solve-in-worker.js';

describe('solveCrammerSingerInWorker', () => {
  it('returns exactly what the serial solver returns for the same seed', async () => {
    const n = 300, d = 5, K = 3;
    const { x, y } = makeBlobs(n, d, K, 11);
    const feats = { data: x, shape: [n, d] as [number, number] };
    const passes: number[] = [];
    const a = await solveCrammerSingerInWorker(feats, y, { C: 0.1, seed: 3, onProgress: (p) => passes.push(p.pass) });
    const b = solveCrammerSinger(feats, y, { C: 0.1, seed: 3 });
    expect(a.stopReason).toBe('tolerance');
    expect(a.iterations).toBe(b.iterations);
    expect(Array.from(a.svIndices)).toEqual(Array.from(b.svIndices));
    expect(Array.from(a.svAlpha)).toEqual(Array.from(b.svAlpha));
    expect(a.primalObjective).toBe(b.primalObjective);
    expect(passes.length).toBeGreaterThan(0);
  });

  it('stops at a pass boundary when the signal aborts while the solve runs', async () => {
    // Large C converges slowly (dualda.md §6), so the solve is still running when we abort.
    const n = 3000, d = 16, K = 5;
    const { x, y } = makeBlobs(n, d, K, 5);
    const ac = new AbortController();
    const started = performance.now();
    const r = await solveCrammerSingerInWorker({ data: x, shape: [n, d] }, y, {
      C: 100,
      tolerance: 1e-12,
      shrinking: false,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.pass >= 2) ac.abort();
      },
    });
    expect(r.stopReason).toBe('aborted');
    expect(r.converged).toBe(false);
    // Identities still hold for the alpha reached so far.
    for (let s = 0; s < r.svIndices.length; s++) {
      let sum = 0;
      for (let m = 0; m < K; m++) sum += r.svAlpha[s * K + m] as number;
      expect(Math.abs(sum)).toBeLessThan(1e-9);
    }
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('rebuilds input errors with their tag and field', async () => {
    const x = new Float32Array([1, Number.NaN, 0, 1]);
    const err = await solveCrammerSingerInWorker({ data: x, shape: [2, 2] }, [0, 1], { C: 1 }).catch((e: unknown) => e);
    expect(isDualxdaError(err, 'SolverInputError')).toBe(true);
    expect((err as Error).message).toMatch(/^features: /);
  });

  it('rejects bad options in the caller, naming the option', async () => {
    await expect(solveCrammerSingerInWorker({ data: new Float32Array(4), shape: [2, 2] }, [0, 1], { C: -1 })).rejects.toThrow(/C/);
  });
});
