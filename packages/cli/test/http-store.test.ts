import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary, TestDetail } from '@dualxda/core';
import { EXIT_CODES } from '../src/exit-codes.js';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { createSyntheticRun, syntheticStoreContent } from '../src/serve/synthetic-data.js';
import { getJson } from '../src/serve/test-http.js';
import { writeRun } from '../src/serve/write-stores.js';
import { run } from './helpers.js';
import { PYTHON3, servePython, serveDirectory, type StaticServer } from './static-server.js';

/**
 * `explain` and `serve` on stores published by a plain static file server give the same answers
 * as on the local directory. The run is a synthetic train/test pair refitted with `dualxda fit`,
 * so the model group, collapse.json and dualxda-run.json are the ones the CLI writes.
 */
let dir: string;
let train: string;
let server: StaticServer;
const failures = new Map<string, number>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-http-cli-'));
  const synthetic = createSyntheticRun({ trainRows: 160, testRows: 24, dim: 8, classNames: ['a', 'b', 'c'], seed: 11 });
  train = await writeRun(dir, syntheticStoreContent(synthetic, 'train', 64), syntheticStoreContent(synthetic, 'test', 64), synthetic.solution);
  const fit = await run(['fit', 'train', '--C', '0.1', '-q'], dir);
  expect(fit.code, fit.stderr).toBe(0);
  expect(await readdir(join(train, 'dualda'))).toContain('collapse.json');
  server = await serveDirectory(dir, (path) => failures.get(path));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const EXPLAIN = ['--top-k', '3', '--limit', '10', '--json', '-q'];

async function explainOver(base: string): Promise<string> {
  const r = await run(['explain', `${base}/train`, '--test', `${base}/test`, ...EXPLAIN], tmpdir());
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('stores read over HTTP', () => {
  it('explain over HTTP prints the identical JSON as on the local path', async () => {
    const local = await run(['explain', 'train', '--test', 'test', ...EXPLAIN], dir);
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toHaveLength(10);
    expect(await explainOver(server.url)).toBe(local.stdout);
  });

  it('works against python3 -m http.server too', async () => {
    const py = await servePython(PYTHON3, dir);
    try {
      const local = await run(['explain', 'train', '--test', 'test', ...EXPLAIN], dir);
      expect(await explainOver(py.url)).toBe(local.stdout);
    } finally {
      await py.close();
    }
  });

  it('serve over HTTP answers /api/summary and /api/tests like the local store', async () => {
    const assetsDir = join(dir, 'no-assets');
    let local: DashboardServer | undefined;
    let remote: DashboardServer | undefined;
    try {
      local = await startDashboardServer({ store: train, port: 0, assetsDir });
      // --test comes from the run file: '../test' resolves beside the store's URL.
      remote = await startDashboardServer({ store: `${server.url}/train`, port: 0, assetsDir });
      const [a, b] = await Promise.all([getJson<Summary>(local.port, '/api/summary'), getJson<Summary>(remote.port, '/api/summary')]);
      expect(b.status).toBe(200);
      expect(b.body.train.path).toBe(`${server.url}/train`);
      expect(b.body.test.path).toBe(`${server.url}/test`);
      expect(b.body.collapse).not.toBeNull();
      const paths = (s: Summary): Summary => ({ ...s, train: { ...s.train, path: '' }, test: { ...s.test, path: '' } });
      expect(paths(b.body)).toEqual(paths(a.body));
      const [ta, tb] = await Promise.all([getJson<TestDetail>(local.port, '/api/tests/5?k=4'), getJson<TestDetail>(remote.port, '/api/tests/5?k=4')]);
      expect(tb.body).toEqual(ta.body);
    } finally {
      await local?.close();
      await remote?.close();
    }
  });

  it('a missing store (404), a 500 and an unreachable host each fail with one line naming the URL (exit 3)', async () => {
    const missing = await run(['explain', `${server.url}/nope`, '--test', `${server.url}/test`], dir);
    expect(missing.code).toBe(EXIT_CODES.input);
    expect(missing.stderr.split('\n')[0]).toBe(`dualxda explain: ${server.url}/nope: STORE not found over HTTP (${server.url}/nope/zarr.json answered 404)`);

    failures.set('/train/dualda/sv_alpha/zarr.json', 500);
    const broken = await run(['explain', `${server.url}/train`, '--test', `${server.url}/test`], dir);
    failures.clear();
    expect(broken.code).toBe(EXIT_CODES.input);
    expect(broken.stderr.split('\n')[0]).toBe(`dualxda explain: ${server.url}/train/dualda/sv_alpha/zarr.json: HTTP 500 Internal Server Error (StoreHttpError)`);

    const gone = await serveDirectory(dir);
    await gone.close();
    const refused = await run(['serve', `${gone.url}/train`, '--port', '0'], dir);
    expect(refused.code).toBe(EXIT_CODES.input);
    expect(refused.stderr.split('\n')[0]).toBe(`dualxda serve: ${gone.url}/train/zarr.json: cannot reach the server (ECONNREFUSED) (StoreHttpError)`);
    expect(refused.stderr).toMatch(/\nhint: check that the server is up/);
  });

  it('refuses to write to an HTTP store', async () => {
    const fit = await run(['fit', `${server.url}/train`, '--C', '0.1'], dir);
    expect(fit.code).toBe(EXIT_CODES.input);
    expect(fit.stderr).toMatch(new RegExp(`^dualxda fit: ${server.url}/train: cannot write to an HTTP store.*\\nhint: copy it locally or use a shared file system`));
    const out = await run(['explain', `${server.url}/train`, '--test', `${server.url}/test`, '--out', `${server.url}/x.jsonl`], dir);
    expect(out.code).toBe(EXIT_CODES.input);
    expect(out.stderr).toMatch(/cannot write to an HTTP store/);
  });
});
