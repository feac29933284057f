/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import { afterAll, describe, expect, it } from 'vitest';
import type { XdaResponse } from '@dualxda/core';
import { openXdaEngine, toWirePair } from '../steps/xda-engine.js';
import { startDashboardServer } from './server.js';
import { createSyntheticDashboardData } from './synthetic-data.js';
import { getJson } from './test-http.js';
import { createXdaPool, DEFAULT_XDA_POOL_OPTIONS, type XdaPool } from './xda-pool.js';

const SLOW_WORKER = new URL('../../test/fixtures/slow-xda-worker.ts', import.meta.url);
const CHECKPOINT = new URL('../../../llm-adapter/assets/spam-bert', import.meta.url).pathname;
const pools: XdaPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('XDA worker pool', () => {
  it('defaults to min(2, cores - 1) workers, at least one', () => {
    expect(DEFAULT_XDA_POOL_OPTIONS.size()).toBeGreaterThanOrEqual(1);
    expect(DEFAULT_XDA_POOL_OPTIONS.size()).toBeLessThanOrEqual(2);
  });

  it('keeps the event loop free: /api/summary answers while pairs compute in the workers', async () => {
    const pool = await createXdaPool({ size: 1, entry: SLOW_WORKER, workerData: { busyMs: 1500 } });
    pools.push(pool);
    const data = { ...createSyntheticDashboardData({ trainRows: 40, testRows: 10, dim: 8, classNames: ['a', 'b'], seed: 1 }), xda: pool.provider };
    const server = await startDashboardServer({ data, port: 0, assetsDir: '/nonexistent' });
    try {
      const order: string[] = [];
      const pairs = [1, 2].map((t) => getJson<XdaResponse>(server.port, `/api/xda?test=${t}&train=3`).then((r) => (order.push(`xda${t}`), r)));
      await new Promise((r) => setTimeout(r, 100));
      const summary = await getJson(server.port, '/api/summary').then((r) => (order.push('summary'), r));
      expect(summary.status).toBe(200);
      const [a, b] = await Promise.all(pairs);
      // The summary came back while both pairs (1.5 s each, one worker) were still computing.
      expect(order).toEqual(['summary', 'xda1', 'xda2']);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect([a.body.kernel, b.body.kernel]).toEqual([1, 2]);
    } finally {
      await server.close();
    }
  });

  it('answers 202 with progress under ?wait=, then the pair', async () => {
    const pool = await createXdaPool({ size: 1, entry: SLOW_WORKER, workerData: { busyMs: 300 } });
    pools.push(pool);
    const data = { ...createSyntheticDashboardData({ trainRows: 40, testRows: 10, dim: 8, classNames: ['a', 'b'], seed: 2 }), xda: pool.provider };
    const server = await startDashboardServer({ data, port: 0, assetsDir: '/nonexistent' });
    try {
      const first = await getJson<{ status: string; position: number; elapsedMs: number; pollAfterMs: number }>(server.port, '/api/xda?test=1&train=2&wait=0');
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ status: expect.stringMatching(/^(queued|running)$/), testRow: 1, trainRow: 2, pollAfterMs: 1000 });
      const done = await getJson<XdaResponse>(server.port, '/api/xda?test=1&train=2&wait=5000');
      expect(done.status).toBe(200);
      expect(done.body.testRow).toBe(1);
      expect((await getJson(server.port, '/api/xda?test=1&train=2&wait=25001')).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('runs the real engine in a worker (TypeScript entry under tsx) with the same result as in-process', async () => {
    const pool = await createXdaPool({ size: 1, workerData: { modelDir: CHECKPOINT, maxTokens: 16 } });
    pools.push(pool);
    const req = { testText: 'win a free prize now', trainText: 'free prize inside', target: 1, alpha: 0.25 };
    const fromWorker = await pool.provider(req);
    const engine = await openXdaEngine(CHECKPOINT, 16);
    const inProcess = toWirePair(engine.explain(req.testText, [req.trainText], [req.alpha])[0]!);
    engine.release();
    expect(fromWorker.test.tokens).toEqual(inProcess.test.tokens);
    expect(fromWorker.kernel).toBeCloseTo(inProcess.kernel, 5);
    expect(fromWorker.attribution).toBeCloseTo(inProcess.attribution, 5);
  }, 120_000);

  it('fails to start with the worker error when the checkpoint is missing', async () => {
    await expect(createXdaPool({ size: 1, workerData: { modelDir: '/nonexistent/ckpt' } })).rejects.toThrow(/XDA worker failed to start/);
  }, 60_000);
});
