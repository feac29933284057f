import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary, TestDetail, TestListItem, TrainDetail } from '@dualxda/core';
import { startDashboardServer, type DashboardServer } from './server.js';
import { createSyntheticDashboardData } from './synthetic-data.js';
import { getJson, rawRequest } from './test-http.js';

const data = createSyntheticDashboardData({ trainRows: 240, testRows: 60, dim: 12, classNames: ['sports', 'business', 'tech'], seed: 3 });
const K = 3;
const assets = mkdtempSync(join(tmpdir(), 'dualxda-serve-'));
let server: DashboardServer;

beforeAll(async () => {
  mkdirSync(join(assets, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(assets, 'dist', 'index.html'), '<!doctype html><title>dash</title>');
  writeFileSync(join(assets, 'dist', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(assets, 'secret.txt'), 'outside the assets root');
  server = await startDashboardServer({ data, port: 0, assetsDir: join(assets, 'dist') });
});
afterAll(() => server.close());

/** Dense alpha (n x K, zeros for non-support vectors): an independent brute-force reference. */
function denseAlpha(): Float64Array {
  const n = data.train.store.rows;
  const a = new Float64Array(n * K);
  data.model.svIndices.forEach((r, j) => {
    for (let m = 0; m < K; m++) a[r * K + m] = data.model.svAlpha[j * K + m];
  });
  return a;
}

async function bruteForce(testRow: number, c: number): Promise<number[]> {
  const train = await data.train.store.readRows(0, data.train.store.rows);
  const test = await data.test.store.readRows(testRow, testRow + 1);
  const a = denseAlpha();
  const d = train.dim;
  return Array.from({ length: train.rows }, (_, i) => {
    let g = 0;
    for (let q = 0; q < d; q++) g += train.features[i * d + q] * test.features[q];
    return a[i * K + c] * g;
  });
}

describe('dashboard API', () => {
  it('measures surrogate-vs-model agreement on the test set like a brute-force reference', async () => {
    const { body } = await getJson<Summary>(server.port, '/api/summary');
    const train = await data.train.store.readRows(0, data.train.store.rows);
    const test = await data.test.store.readRows(0, data.test.store.rows);
    const logits = await data.test.readLogits();
    if (logits === null) throw new Error('the synthetic test store has logits');
    const a = denseAlpha();
    const d = train.dim;
    let cos = 0;
    let agree = 0;
    for (let t = 0; t < test.rows; t++) {
      const z = Array.from({ length: K }, (_, m) => {
        let s = 0;
        for (let i = 0; i < train.rows; i++) {
          let g = 0;
          for (let q = 0; q < d; q++) g += train.features[i * d + q] * test.features[t * d + q];
          s += a[i * K + m] * g;
        }
        return s;
      });
      const net = Array.from(logits.subarray(t * K, (t + 1) * K));
      const dot = z.reduce((x, v, m) => x + v * net[m], 0);
      cos += dot / Math.hypot(...z) / Math.hypot(...net);
      if (z.indexOf(Math.max(...z)) === net.indexOf(Math.max(...net))) agree++;
    }
    const agreement = body.testAgreement;
    if (agreement === null) throw new Error('testAgreement is computed from the test logits');
    expect(agreement.rows).toBe(60);
    expect(agreement.logitCosine).toBeCloseTo(cos / test.rows, 6);
    expect(agreement.argmaxAgreement).toBeCloseTo(agree / test.rows, 12);
    expect(agreement.mcc).toBeGreaterThan(-1);
    expect(agreement.mcc).toBeLessThanOrEqual(1);
  });

  it('binds 127.0.0.1 by default and reports the run summary', async () => {
    expect(server.host).toBe('127.0.0.1');
    const { status, body } = await getJson<Summary>(server.port, '/api/summary');
    expect(status).toBe(200);
    expect(body.classNames).toEqual(['sports', 'business', 'tech']);
    expect(body.model.supportVectors).toBe(data.model.svIndices.length);
    expect(body.model.svPerClass.reduce((x, y) => x + y, 0)).toBe(data.model.svIndices.length);
    expect(body.train.rows).toBe(240);
    expect(body.xda.available).toBe(false);
    const raw = await rawRequest(server.port, '/api/summary');
    expect(raw.headers['server-timing']).toMatch(/^app;dur=\d+\.\d\d$/);
    expect(raw.headers['cache-control']).toBe('no-store');
  });

  it('filters the test list by predicted class, label and misclassification', async () => {
    const all = await getJson<{ total: number; items: TestListItem[] }>(server.port, '/api/tests?limit=500');
    expect(all.body.total).toBe(60);
    const mis = await getJson<{ total: number; items: TestListItem[] }>(server.port, '/api/tests?misclassified=1&limit=500');
    expect(mis.body.items.every((t) => t.label !== t.prediction)).toBe(true);
    expect(mis.body.total).toBe(all.body.items.filter((t) => t.label !== t.prediction).length);
    const pred1 = await getJson<{ total: number; items: TestListItem[] }>(server.port, '/api/tests?pred=1&label=1');
    expect(pred1.body.items.every((t) => t.prediction === 1 && t.label === 1)).toBe(true);
    const page = await getJson<{ total: number; items: TestListItem[] }>(server.port, '/api/tests?offset=10&limit=5');
    expect(page.body.items.map((t) => t.row)).toEqual([10, 11, 12, 13, 14]);
  });

  it('searches test texts case-insensitively', async () => {
    const res = await getJson<{ total: number; items: TestListItem[] }>(server.port, '/api/tests?q=%2317');
    expect(res.body.items.map((t) => t.row)).toContain(17);
    expect(res.body.items.every((t) => t.snippet.toLowerCase().includes('#17'))).toBe(true);
  });

  it('ranks proponents and opponents exactly like a dense brute-force attribution', async () => {
    const { status, body } = await getJson<TestDetail>(server.port, '/api/tests/5?k=4');
    expect(status).toBe(200);
    const ref = await bruteForce(5, body.target);
    const order = ref.map((s, i) => [s, i] as const);
    const pos = order.filter(([s]) => s > 0).sort((x, y) => y[0] - x[0]).slice(0, 4);
    const neg = order.filter(([s]) => s < 0).sort((x, y) => x[0] - y[0]).slice(0, 4);
    expect(body.proponents.map((p) => p.row)).toEqual(pos.map(([, i]) => i));
    expect(body.opponents.map((p) => p.row)).toEqual(neg.map(([, i]) => i));
    body.proponents.forEach((p, i) => expect(p.score).toBeCloseTo(pos[i][0], 6));
    // Row-sum identity (dualda.md 1.6): sum_i A[t, i] = surrogate logit minus intercept.
    const sum = ref.reduce((x, y) => x + y, 0);
    expect(sum).toBeCloseTo(body.surrogateLogits[body.target] - (data.model.bias?.[body.target] ?? 0), 5);
    const mass = ref.reduce((x, y) => x + Math.abs(y), 0);
    const top = [...pos, ...neg].reduce((x, [s]) => x + Math.abs(s), 0);
    expect(body.sparsity.topKMass).toBeCloseTo(top / mass, 6);
    expect(body.modelLogits).toHaveLength(K);
    expect(body.prediction).toBe(body.modelLogits.indexOf(Math.max(...body.modelLogits)));
    expect(body.proponents[0].snippet).toMatch(/#\d+$/);
  });

  it('explains a chosen class when asked', async () => {
    const { body } = await getJson<TestDetail>(server.port, '/api/tests/5?class=2&k=3');
    expect(body.target).toBe(2);
    const ref = await bruteForce(5, 2);
    const best = ref.indexOf(Math.max(...ref));
    expect(body.proponents[0].row).toBe(best);
  });

  it('shows a support vector with its alpha row, self-influence and most influenced tests', async () => {
    const j = 0;
    const row = data.model.svIndices[j];
    const { body } = await getJson<TrainDetail>(server.port, `/api/train/${row}?k=3`);
    expect(body.isSupportVector).toBe(true);
    body.alpha.forEach((a, m) => expect(a).toBeCloseTo(data.model.svAlpha[j * K + m], 12));
    const x = await data.train.store.readRows(row, row + 1);
    const y = x.labels[0];
    expect(body.selfInfluence).toBeCloseTo(x.norms[0] ** 2 * data.model.svAlpha[j * K + y], 4);
    const t = body.supports[0].row;
    const ref = await bruteForce(t, body.supports[0].prediction);
    expect(body.supports[0].score).toBeCloseTo(ref[row], 6);
  });

  it('gives a non-support vector zero alpha and no influence', async () => {
    const sv = new Set(data.model.svIndices);
    const row = Array.from({ length: 240 }, (_, i) => i).find((i) => !sv.has(i)) ?? -1;
    expect(row).toBeGreaterThanOrEqual(0);
    const { body } = await getJson<TrainDetail>(server.port, `/api/train/${row}`);
    expect(body.isSupportVector).toBe(false);
    expect(body.alpha).toEqual([0, 0, 0]);
    expect(body.supports).toEqual([]);
  });

  it('ranks mislabel candidates by self-influence', async () => {
    const { body } = await getJson<{ candidates: { selfInfluence: number }[]; svPerClass: number[] }>(server.port, '/api/global?limit=10');
    expect(body.candidates.length).toBeGreaterThan(0);
    const s = body.candidates.map((c) => c.selfInfluence);
    expect(s).toEqual([...s].sort((a, b) => b - a));
  });

  it('answers /api/xda with 404 and a reason when no model is configured', async () => {
    const res = await getJson<{ error: string }>(server.port, '/api/xda?test=1&train=2');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/--model/);
  });
});

describe('dashboard server security', () => {
  it.each([
    ['/api/tests/abc', 400],
    ['/api/tests/-1', 400],
    ['/api/tests/1.5', 400],
    ['/api/tests/99999999999', 400],
    ['/api/tests/60', 404],
    ['/api/train/240', 404],
    ['/api/tests?limit=501', 400],
    ['/api/tests?pred=3', 400],
    ['/api/tests?misclassified=yes', 400],
    ['/api/tests/1?k=101', 400],
    ['/api/xda?test=1', 400],
    ['/api/nope', 404],
    ['/api/tests/1/extra', 404],
    ['/../secret.txt', 400],
    ['/%2e%2e/secret.txt', 400],
    ['/assets/..%2f..%2fsecret.txt', 400],
    ['/%00', 400],
    ['/%E0%A4%A', 400],
    ['/assets/missing.js', 404],
    ['//etc/passwd', 400],
    ['/api/./summary', 400],
  ])('GET %s -> %i', async (path, status) => {
    const res = await rawRequest(server.port, path);
    expect(res.status).toBe(status);
    expect(res.body).not.toContain('outside the assets root');
    expect(res.body).not.toContain('root:');
  });

  it('serves its own assets and falls back to index.html for app routes', async () => {
    const js = await rawRequest(server.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    const route = await rawRequest(server.port, '/tests/3');
    expect(route.body).toContain('<title>dash</title>');
    expect(route.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses other methods, bodies, long URLs and foreign Host headers', async () => {
    expect((await rawRequest(server.port, '/api/summary', { method: 'POST' })).status).toBe(405);
    expect((await rawRequest(server.port, '/api/summary', { method: 'GET', headers: { 'content-length': '5' }, body: 'hello' })).status).toBe(413);
    expect((await rawRequest(server.port, `/api/tests?q=${'a'.repeat(3000)}`)).status).toBe(414);
    expect((await rawRequest(server.port, '/api/tests?q=' + 'a'.repeat(201))).status).toBe(400);
    expect((await rawRequest(server.port, '/api/summary', { headers: { host: 'evil.example:80' } })).status).toBe(403);
  });

  it('keeps the Host allow-list on a wildcard bind and honours --allow-host', async () => {
    const open = await startDashboardServer({ data, port: 0, host: '0.0.0.0', allowHosts: ['dash.example.com'], assetsDir: join(assets, 'dist') });
    try {
      const evil = await rawRequest(open.port, '/api/summary', { headers: { host: `evil.example.com:${open.port}` } });
      expect(evil.status).toBe(403);
      expect(JSON.parse(evil.body).error).toMatch(/Host 'evil\.example\.com:\d+' is not allowed \(DNS-rebinding protection\).*--allow-host evil\.example\.com/);
      expect(evil.body).not.toContain('sports');
      expect((await rawRequest(open.port, '/api/summary', { headers: { host: `localhost:${open.port}` } })).status).toBe(200);
      expect((await rawRequest(open.port, '/api/summary', { headers: { host: 'dash.example.com' } })).status).toBe(200);
      expect(open.allowedHosts).toContain('dash.example.com (any port)');
    } finally {
      await open.close();
    }
  });
});
