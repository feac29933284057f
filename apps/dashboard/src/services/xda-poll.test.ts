import { describe, expect, it } from 'vitest';
import { isXdaProgress, pollXda, progressText, type XdaProgress } from './xda-poll.js';

const pair = { test: { tokens: ['a'], scores: [1] }, train: { tokens: ['b'], scores: [1] } };

describe('polling a queued heatmap pair', () => {
  it('tells progress answers from pairs', () => {
    expect(isXdaProgress({ status: 'queued', position: 2, elapsedMs: 10 })).toBe(true);
    expect(isXdaProgress(pair)).toBe(false);
    expect(isXdaProgress({ status: 'done' })).toBe(false);
    expect(progressText({ status: 'queued', position: 3, elapsedMs: 2400 })).toMatch(/place 3 in line, 2 s/);
    expect(progressText({ status: 'running', position: 0, elapsedMs: 7000 })).toMatch(/^Computing the heatmaps \(7 s/);
  });

  it('asks again after each progress answer until the pair arrives', async () => {
    const answers: unknown[] = [{ status: 'queued', position: 2, elapsedMs: 0, pollAfterMs: 10 }, { status: 'running', position: 0, elapsedMs: 50, pollAfterMs: 99_999 }, pair];
    const seen: XdaProgress[] = [];
    const waits: number[] = [];
    const got = await pollXda(async () => answers.shift(), (p) => seen.push(p), new AbortController().signal, async (ms) => void waits.push(ms));
    expect(got).toBe(pair);
    expect(seen.map((p) => p.status)).toEqual(['queued', 'running']);
    expect(waits).toEqual([200, 5000]);
  });

  it('stops when the page is left', async () => {
    const ctl = new AbortController();
    let calls = 0;
    const once = async (): Promise<unknown> => {
      calls++;
      return { status: 'queued', position: 1, elapsedMs: 0, pollAfterMs: 1000 };
    };
    const started = Date.now();
    const run = pollXda(once, () => ctl.abort(), ctl.signal);
    await expect(run).rejects.toThrow();
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(900);
  });
});
