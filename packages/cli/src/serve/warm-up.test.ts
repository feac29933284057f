import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestListPage, TrainListPage } from '@dualxda/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from './server.js';
import { createSyntheticDashboardData } from './synthetic-data.js';
import { getJson } from './test-http.js';

const assets = mkdtempSync(join(tmpdir(), 'dualxda-warm-'));
const servers: DashboardServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(assets, { recursive: true, force: true });
});

/** A server on fresh data (the caches live in the data's service state). */
async function start(warmUp: boolean): Promise<DashboardServer> {
  const data = createSyntheticDashboardData({ trainRows: 500, testRows: 300, dim: 8, classNames: ['a', 'b', 'c'], seed: 9 });
  const s = await startDashboardServer({ data, port: 0, assetsDir: assets, warmUp });
  servers.push(s);
  return s;
}

describe('background warm-up of the caches', () => {
  it('builds both search indexes, every sort order and the overview before the first request asks', async () => {
    const s = await start(true);
    const report = await s.warmed;
    expect(Object.keys(report?.stepsMs ?? {}).sort()).toEqual(['global', 'sort:confidence', 'sort:loss', 'sort:margin', 'sort:self-influence', 'testIndex', 'trainIndex']);
    // The first list requests find the indexes ready (no request started them).
    const tests = await getJson<TestListPage & { searchIndex: { ready: boolean; indexedRows: number } }>(s.port, '/api/tests?limit=1');
    expect(tests.body.searchIndex).toMatchObject({ ready: true, indexedRows: 300 });
    const train = await getJson<TrainListPage>(s.port, '/api/train?limit=1');
    expect(train.body.searchIndex).toMatchObject({ ready: true, indexedRows: 500 });
  });

  it('can be switched off: then the first list request starts the index', async () => {
    const s = await start(false);
    expect(await s.warmed).toBeUndefined();
    const tests = await getJson<TestListPage & { searchIndex: { ready: boolean } }>(s.port, '/api/tests?limit=1');
    expect(tests.status).toBe(200);
    const train = await getJson<TrainListPage>(s.port, '/api/train?limit=1');
    expect(train.status).toBe(200);
  });
});
