import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary, TestDetail, TrainDetail } from '@dualxda/core';
import { readRunRecord, RUN_FILE } from '../lib/run-file.js';
import { openDashboardData, resolveDashboardPaths } from './open-data.js';
import { startDashboardServer, type DashboardServer } from './server.js';
import { createSyntheticDashboardData, createSyntheticRun, syntheticStoreContent } from './synthetic-data.js';
import { getJson } from './test-http.js';
import { writeRun } from './write-stores.js';

const dir = mkdtempSync(join(tmpdir(), 'dualxda-serve-disk-'));
const spec = { trainRows: 150, testRows: 40, dim: 8, classNames: ['a', 'b', 'c'], seed: 5 };
const run = createSyntheticRun(spec);
let trainPath: string;
let server: DashboardServer;

beforeAll(async () => {
  trainPath = await writeRun(dir, syntheticStoreContent(run, 'train', 64), syntheticStoreContent(run, 'test', 64), run.solution);
  server = await startDashboardServer({ store: trainPath, port: 0, assetsDir: join(dir, 'no-assets') });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serving Zarr stores from disk', () => {
  it('finds the test store through dualxda-run.json and flags a missing model dir', async () => {
    const paths = await resolveDashboardPaths({ store: trainPath });
    expect(paths.test).toBe(join(dir, 'test'));
    expect(paths.model).toBeUndefined();
    const data = await openDashboardData({ store: trainPath, model: join(dir, 'nope') });
    expect(data.xda).toBeUndefined();
    expect(data.xdaUnavailableReason).toMatch(/does not exist/);
  });

  it('answers the same as the in-memory source built from the same arrays', async () => {
    const mem = await startDashboardServer({ data: createSyntheticDashboardData(spec), port: 0, assetsDir: join(dir, 'no-assets') });
    try {
      const [disk, ref] = await Promise.all([getJson<TestDetail>(server.port, '/api/tests/7?k=5'), getJson<TestDetail>(mem.port, '/api/tests/7?k=5')]);
      expect(disk.status).toBe(200);
      expect(disk.body.proponents.map((p) => p.row)).toEqual(ref.body.proponents.map((p) => p.row));
      expect(disk.body.opponents.map((p) => p.row)).toEqual(ref.body.opponents.map((p) => p.row));
      disk.body.surrogateLogits.forEach((v, m) => expect(v).toBeCloseTo(ref.body.surrogateLogits[m], 4));
      expect(disk.body.text).toBe(run.test.texts[7]);
      expect(disk.body.proponents[0].snippet).toBe(run.train.texts[disk.body.proponents[0].row]);
      expect(disk.body.proponents[0].id).toBe(`train-${disk.body.proponents[0].row}`);
      const sv = run.solution.svIndices[3];
      const [dt, rt] = await Promise.all([getJson<TrainDetail>(server.port, `/api/train/${sv}?k=4`), getJson<TrainDetail>(mem.port, `/api/train/${sv}?k=4`)]);
      expect(dt.status).toBe(200);
      expect(dt.body.scanned).toBe(40);
      expect(dt.body.supports.map((t) => t.row)).toEqual(rt.body.supports.map((t) => t.row));
      expect(dt.body.opposes.map((t) => t.row)).toEqual(rt.body.opposes.map((t) => t.row));
      const summary = await getJson<Summary>(server.port, '/api/summary');
      expect(summary.body.model.supportVectors).toBe(run.solution.svIndices.length);
      expect(summary.body.classNames).toEqual(['a', 'b', 'c']);
    } finally {
      await mem.close();
    }
  });

  it('serves a helpful 404 when the dashboard is not built', async () => {
    const res = await getJson<{ error: string }>(server.port, '/');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/not built/);
  });

  it('rejects a malformed run file naming the file and field', async () => {
    const bad = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(join(bad, RUN_FILE), JSON.stringify({ testStore: 3 }));
    await expect(readRunRecord(bad)).rejects.toThrow(/testStore/);
    writeFileSync(join(bad, RUN_FILE), JSON.stringify({ faithfulness: { mcc: 'high' } }));
    await expect(readRunRecord(bad)).rejects.toThrow(/faithfulness/);
    writeFileSync(join(bad, RUN_FILE), JSON.stringify({ testStore: 'x', faithfulness: { mcc: 0.9, logitCosine: 0.95 } }));
    expect((await readRunRecord(bad))?.faithfulness).toEqual({ mcc: 0.9, logitCosine: 0.95 });
    writeFileSync(join(bad, RUN_FILE), '{nope');
    await expect(readRunRecord(bad)).rejects.toThrow(/not valid JSON/);
    await expect(resolveDashboardPaths({ store: join(dir, 'empty') })).rejects.toThrow(/--test/);
  });
});
