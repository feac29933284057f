import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { solveCrammerSinger, solveCrammerSingerParallel } from '../src/index.js';
import { MIN_THREAD_SPEEDUP, runParallel } from '../src/parallel.js';
import { identityError, makeBlobs } from './helpers.js';

const n = 1200, d = 8, K = 4;
const { x, y } = makeBlobs(n, d, K, 17);
const feats = { data: x, shape: [n, d] as [number, number] };

describe('solveCrammerSingerParallel (2 worker threads, PASSCoDe-Wild + exact resync)', () => {
  it.each([1e-3, 1e-1])('reaches the serial objective to 1e-4 relative with exact identities (C=%s)', async (C) => {
    // minSpeedup 0 here and below: keep the threads whatever this (shared) machine measures.
    const par = await runParallel(feats, y, { C, threads: 2 }, true, { minSpeedup: 0 });
    const ser = solveCrammerSinger(feats, y, { C });
    expect(par.stopReason).toBe('tolerance');
    expect(Math.abs(par.primalObjective - ser.primalObjective) / ser.primalObjective).toBeLessThan(1e-4);
    expect(par.maxViolation).toBeLessThan(1e-3);
    expect(identityError(par, x, y, n, C)).toBeLessThan(1e-9);
  });

  it.each([1e-3, 1e-1])('reaches it from the threaded phase alone, without the serial warm-up (C=%s)', async (C) => {
    const par = await runParallel(feats, y, { C, threads: 2 }, false, { minSpeedup: 0 });
    const ser = solveCrammerSinger(feats, y, { C });
    expect(par.stopReason).toBe('tolerance');
    expect(Math.abs(par.primalObjective - ser.primalObjective) / ser.primalObjective).toBeLessThan(1e-4);
    expect(identityError(par, x, y, n, C)).toBeLessThan(1e-9);
  });

  it('hands over from the serial warm-up to the booted workers and still converges', async () => {
    // The warm-up loop is synchronous, so a setImmediate scheduled from its onProgress fires only
    // once the threaded phase awaits its workers: progress reported after that is threaded.
    let threaded = false, threadedPasses = 0, scheduled = false;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const onProgress = (): void => {
      if (threaded) {
        threadedPasses++;
        return;
      }
      if (!scheduled) setImmediate(() => (threaded = true));
      scheduled = true;
      Atomics.wait(nap, 0, 0, 50); // slow the warm-up (sleeping, not spinning) so the workers boot first
    };
    const par = await runParallel(feats, y, { C: 0.1, tolerance: 1e-6, threads: 2, onProgress }, true, { minSpeedup: 0 });
    const ser = solveCrammerSinger(feats, y, { C: 0.1, tolerance: 1e-6 });
    expect(threadedPasses).toBeGreaterThan(0);
    expect(par.stopReason).toBe('tolerance');
    expect(Math.abs(par.primalObjective - ser.primalObjective) / ser.primalObjective).toBeLessThan(1e-4);
    expect(identityError(par, x, y, n, 0.1)).toBeLessThan(1e-9);
  });

  it.each([
    // 2 threads can reach 2×, so the workers start; on this tiny problem the probe's round trip
    // alone exceeds the serial dot products, so it measures < 1× and the serial loop finishes.
    [Math.min(2, availableParallelism()), false],
    [0, true],
  ])('probes how the threads scale at the hand-over and lets the serial loop finish when they do not (minSpeedup %s)', async (minSpeedup, keep) => {
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const probes: boolean[] = [];
    const passes: number[] = [];
    const onProgress = (pr: { pass: number }): void => {
      passes.push(pr.pass);
      if (probes.length === 0) Atomics.wait(nap, 0, 0, 50); // slow the warm-up so the workers boot first
    };
    const par = await runParallel(feats, y, { C: 0.1, tolerance: 1e-6, threads: 2, onProgress }, true, { minSpeedup, onProbe: (_s, threaded) => probes.push(threaded) });
    const ser = solveCrammerSinger(feats, y, { C: 0.1, tolerance: 1e-6 });
    expect(probes).toEqual([keep]);
    expect(par.stopReason).toBe('tolerance');
    expect(Math.abs(par.primalObjective - ser.primalObjective) / ser.primalObjective).toBeLessThan(1e-4);
    expect(identityError(par, x, y, n, 0.1)).toBeLessThan(1e-9);
    // Progress keeps counting up across the warm-up, the threaded rounds and the final serial loop.
    expect(passes.every((p, k) => k === 0 || p > (passes[k - 1] as number))).toBe(true);
    // Without threads the serial loop simply continued: LIBLINEAR's pass count, same seed, same passes.
    if (!keep) expect(par.iterations).toBe(ser.iterations);
  });

  it('starts no worker when the threads cannot reach MIN_THREAD_SPEEDUP (2 threads): exactly the serial solve', async () => {
    const par = await solveCrammerSingerParallel(feats, y, { C: 0.1, threads: 2, seed: 5 });
    const ser = solveCrammerSinger(feats, y, { C: 0.1, seed: 5 });
    expect(MIN_THREAD_SPEEDUP).toBeGreaterThan(2);
    expect(par.iterations).toBe(ser.iterations);
    expect(Array.from(par.svAlpha)).toEqual(Array.from(ser.svAlpha));
    expect(par.primalObjective).toBe(ser.primalObjective);
  });

  it('honours an AbortSignal between passes', async () => {
    const ac = new AbortController();
    const r = await runParallel(feats, y, { C: 10, threads: 2, signal: ac.signal, onProgress: () => ac.abort() }, true, { minSpeedup: 0 });
    expect(r.stopReason).toBe('aborted');
    expect(r.iterations).toBe(1);
    expect(identityError(r, x, y, n, 10)).toBeLessThan(1e-9);
  });

  it('starts its workers from TypeScript sources under plain node too', () => {
    const script = fileURLToPath(new URL('./parallel-smoke.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--conditions=@dualxda/source', '--import', 'tsx', script], { encoding: 'utf8' });
    const r = JSON.parse(out.trim()) as { stopReason: string; primal: number };
    expect(r.stopReason).toBe('tolerance');
    expect(r.primal).toBeGreaterThan(0);
  });
});
