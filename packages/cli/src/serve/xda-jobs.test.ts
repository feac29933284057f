import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { XdaPair } from '@dualxda/core';
import { HttpError } from './http-error.js';
import { createXdaDiskCache } from './xda-disk-cache.js';
import { createXdaJobs, DEFAULT_XDA_JOB_OPTIONS } from './xda-jobs.js';

const pairOf = (kernel: number): XdaPair => {
  const budget = { tokenSum: 0, share: 0, absorbed: { positionEmbeddings: 0, softmax: 0, normalisation: 0, biases: 0, stabiliser: 0 }, residual: 0 };
  return { method: 'attnlrp', mode: 'per-position', test: { tokens: ['a'], scores: [kernel] }, train: { tokens: ['b'], scores: [kernel] }, kernel, attribution: kernel, decomposes: 'attribution', explained: kernel, budget: { test: budget, train: budget }, notes: [] };
};

/** A compute function the test finishes by hand, counting its calls. */
function manual() {
  const calls: string[] = [];
  const finish: (() => void)[] = [];
  const compute = (key: string, kernel = 1) => async () => {
    calls.push(key);
    await new Promise<void>((r) => finish.push(r));
    return pairOf(kernel);
  };
  return { calls, finish, compute };
}

const scratch = mkdtempSync(join(tmpdir(), 'dualxda-xda-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('XDA job queue', () => {
  it('documents its defaults', () => {
    expect(DEFAULT_XDA_JOB_OPTIONS).toEqual({ maxJobs: 64, orphanMs: 5000, memoryEntries: 64 });
  });

  it('runs one computation for concurrent identical requests', async () => {
    const jobs = createXdaJobs(1);
    const m = manual();
    const a = jobs.request('k', m.compute('k', 7), 10_000);
    const b = jobs.request('k', m.compute('k', 8), 10_000);
    await new Promise((r) => setTimeout(r, 20));
    m.finish.forEach((f) => f());
    expect(await a).toEqual({ pair: pairOf(7) });
    expect(await b).toEqual({ pair: pairOf(7) });
    expect(m.calls).toEqual(['k']);
  });

  it('answers progress (queued with a position, or running) when the pair is not done within the wait', async () => {
    const jobs = createXdaJobs(1);
    const m = manual();
    const first = await jobs.request('a', m.compute('a'), 10);
    const second = await jobs.request('b', m.compute('b'), 10);
    expect(first).toMatchObject({ progress: { status: 'running', position: 0 } });
    expect(second).toMatchObject({ progress: { status: 'queued', position: 1 } });
    m.finish.shift()?.();
    await new Promise((r) => setTimeout(r, 10));
    expect(await jobs.request('a', m.compute('a'), 10)).toEqual({ pair: pairOf(1) });
    expect(await jobs.request('b', m.compute('b'), 10)).toMatchObject({ progress: { status: 'running' } });
  });

  it('refuses a job past maxJobs with 503 and Retry-After', async () => {
    const jobs = createXdaJobs(1, { maxJobs: 2 });
    const m = manual();
    await jobs.request('a', m.compute('a'), 0);
    await jobs.request('b', m.compute('b'), 0);
    const err = await jobs.request('c', m.compute('c'), 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    expect((err as Error).message).toMatch(/queue is full/);
    // A pair already queued is still answered: dedupe happens before the bound.
    expect(await jobs.request('b', m.compute('b'), 0)).toMatchObject({ progress: { status: 'queued' } });
  });

  it('drops a queued job once its only waiter has gone, and never computes it', async () => {
    const jobs = createXdaJobs(1, { orphanMs: 20 });
    const m = manual();
    await jobs.request('busy', m.compute('busy'), 0);
    const gone = new AbortController();
    const waiting = jobs.request('left', m.compute('left'), 10_000, gone.signal);
    await new Promise((r) => setTimeout(r, 10));
    gone.abort();
    await expect(waiting).rejects.toMatchObject({ status: 499 });
    await new Promise((r) => setTimeout(r, 60));
    expect(jobs.pending()).toBe(1);
    m.finish.shift()?.();
    await new Promise((r) => setTimeout(r, 20));
    expect(m.calls).toEqual(['busy']);
  });

  it('keeps a job that is still polled within orphanMs', async () => {
    const jobs = createXdaJobs(1, { orphanMs: 50 });
    const m = manual();
    await jobs.request('busy', m.compute('busy'), 0);
    await jobs.request('polled', m.compute('polled'), 0);
    await new Promise((r) => setTimeout(r, 30));
    await jobs.request('polled', m.compute('polled'), 0);
    await new Promise((r) => setTimeout(r, 30));
    m.finish.shift()?.();
    await new Promise((r) => setTimeout(r, 10));
    expect(m.calls).toEqual(['busy', 'polled']);
  });

  it('serves a pair from disk after a restart, and recomputes a corrupt cache file', async () => {
    const dir = join(scratch, 'restart');
    const before = createXdaJobs(1, { disk: createXdaDiskCache({ dir, version: 'v1' }) });
    expect(await before.request('k', async () => pairOf(3), 1000)).toEqual({ pair: pairOf(3) });
    // A fresh queue (a restarted server) with the same directory: no computation.
    const after = createXdaJobs(1, { disk: createXdaDiskCache({ dir, version: 'v1' }) });
    let computed = 0;
    expect(await after.request('k', async () => (computed++, pairOf(4)), 1000)).toEqual({ pair: pairOf(3) });
    expect(computed).toBe(0);
    // Another model version never sees it.
    const other = createXdaJobs(1, { disk: createXdaDiskCache({ dir, version: 'v2' }) });
    expect(await other.request('k', async () => pairOf(5), 1000)).toEqual({ pair: pairOf(5) });
    // A damaged file (one score changed, checksum left alone) is a miss: recomputed and rewritten.
    const disk = createXdaDiskCache({ dir, version: 'v1' });
    const file = disk.fileOf('k');
    writeFileSync(file, readFileSync(file, 'utf8').replace('\\"scores\\":[3]', '\\"scores\\":[9]'));
    expect(readFileSync(file, 'utf8')).toContain('[9]');
    expect(await disk.read('k')).toBeUndefined();
    const again = createXdaJobs(1, { disk });
    expect(await again.request('k', async () => pairOf(6), 1000)).toEqual({ pair: pairOf(6) });
    expect(await disk.read('k')).toEqual(pairOf(6));
    writeFileSync(file, '{"trunc');
    expect(await disk.read('k')).toBeUndefined();
  });

  it('caps the disk cache by size, evicting the least recently used file', async () => {
    const dir = join(scratch, 'cap');
    const one = JSON.stringify(pairOf(1)).length;
    const disk = createXdaDiskCache({ dir, version: 'v', maxBytes: Math.floor(one * 2.5 + 600) });
    for (const k of ['a', 'b', 'c', 'd']) {
      await disk.write(k, pairOf(1));
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(await disk.read('a')).toBeUndefined();
    expect(await disk.read('d')).toEqual(pairOf(1));
  });
});
