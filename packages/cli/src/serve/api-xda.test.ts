/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDetail, XdaResponse } from '@dualxda/core';
import type { TokenRelevance } from '@dualxda/xda';
import { NOT_SUPPORT_VECTOR_NOTE, heatmapAlpha } from '../steps/pair-alpha.js';
import { toPairResult, toWirePair } from '../steps/xda-engine.js';
import { startDashboardServer, type DashboardServer } from './server.js';
import { createSyntheticDashboardData } from './synthetic-data.js';
import { getJson, rawRequest } from './test-http.js';
import type { XdaProvider } from './types.js';

const K = 3;
const KERNEL = 2.5;
const calls: Parameters<XdaProvider>[0][] = [];

/** A relevance pass stand-in: tokens carry 30% of the explained value, the softmax keeps the rest. */
function side(explained: number): TokenRelevance {
  const tokenSum = 0.3 * explained;
  return {
    ids: [1, 2], tokens: ['a', 'b'], mode: 'per-position', relevance: Float64Array.of(tokenSum / 2, tokenSum / 2), target: explained, tokenSum,
    absorbed: { positionEmbeddings: 0, softmax: 0.7 * explained, normalisation: 0, biases: 0, stabiliser: 0 }, residual: 0,
  };
}

/** The real engine's result mapping (α = 0 rule, budget, notes) on stand-in relevance passes. */
const provider: XdaProvider = async (req) => {
  calls.push(req);
  const explained = heatmapAlpha(req.alpha).alpha * KERNEL;
  return toWirePair(toPairResult({ kernel: KERNEL, mode: req.mode ?? 'per-position', attribution: explained, test: side(explained), train: side(explained) }, req.alpha));
};

const data = { ...createSyntheticDashboardData({ trainRows: 240, testRows: 60, dim: 12, classNames: ['sports', 'business', 'tech'], seed: 3 }), xda: provider };
let server: DashboardServer;
beforeAll(async () => {
  server = await startDashboardServer({ data, port: 0, assetsDir: '/nonexistent' });
});
afterAll(() => server.close());

const alphaOf = (row: number, c: number) => (data.model.svIndices.includes(row) ? data.model.svAlpha[data.model.svIndices.indexOf(row) * K + c]! : 0);
const rows = Array.from({ length: data.train.store.rows }, (_, i) => i);
/** A training row with α[row, c] ≠ 0 (a support vector for class c). */
const svRowFor = (c: number) => rows.find((i) => alphaOf(i, c) !== 0)!;
const svRow = svRowFor(0);
const nonSvRow = rows.find((i) => !data.model.svIndices.includes(i))!;

describe('/api/xda', () => {
  it.each([0, 1, 2])('explains the pair for the class it is given (class=%i) and says so', async (c) => {
    calls.length = 0;
    const svRow = svRowFor(c);
    const { status, body } = await getJson<XdaResponse>(server.port, `/api/xda?test=4&train=${svRow}&class=${c}`);
    expect(status).toBe(200);
    expect(calls.map((q) => [q.target, q.alpha])).toEqual([[c, alphaOf(svRow, c)]]);
    expect(body).toMatchObject({ target: c, alpha: alphaOf(svRow, c), supportVector: true, decomposes: 'attribution', testRow: 4, trainRow: svRow });
    expect(body.attribution).toBeCloseTo(alphaOf(svRow, c) * KERNEL, 6);
    expect(body.budget.test.share).toBeCloseTo(0.3, 6);
    expect(body.budget.train.absorbed.softmax).toBeCloseTo(0.7 * body.attribution, 6);
    expect(body.notes.some((n) => /tokens carry only 30% of the attribution/.test(n))).toBe(true);
  });

  it("defaults to the model's prediction of the test row", async () => {
    const { body: detail } = await getJson<TestDetail>(server.port, '/api/tests/5');
    const { body } = await getJson<XdaResponse>(server.port, `/api/xda?test=5&train=${svRow}`);
    expect(body.target).toBe(detail.prediction);
  });

  it.each([
    ['a row that is no support vector', () => nonSvRow],
    ['a support vector whose α for this class is 0', () => rows.find((i) => data.model.svIndices.includes(i) && alphaOf(i, 1) === 0) ?? nonSvRow],
  ])('answers %s with attribution 0, supportVector false, a note and kernel-only heatmaps', async (_n, row) => {
    calls.length = 0;
    const { body } = await getJson<XdaResponse>(server.port, `/api/xda?test=4&train=${row()}&class=1`);
    expect(calls[0]!.alpha).toBe(0);
    expect(body).toMatchObject({ alpha: 0, attribution: 0, supportVector: false, decomposes: 'kernel', explained: KERNEL });
    expect(body.notes[0]).toBe(NOT_SUPPORT_VECTOR_NOTE);
    expect(body.notes[0]).toMatch(/^not a support vector: attribution 0/);
  });

  it('passes ?mode= through and rejects bad class and mode values', async () => {
    calls.length = 0;
    const { body } = await getJson<XdaResponse>(server.port, `/api/xda?test=2&train=${svRow}&mode=word`);
    expect(calls[0]!.mode).toBe('word');
    expect(body.mode).toBe('word');
    expect((await getJson(server.port, `/api/xda?test=2&train=${svRow}&class=${K}`)).status).toBe(400);
    expect((await getJson(server.port, `/api/xda?test=2&train=${svRow}&mode=tokens`)).status).toBe(400);
  });
});

describe('/api/xda queue over HTTP', () => {
  it('answers 202 with Retry-After while a pair computes, and 503 with Retry-After when the queue is full', async () => {
    const never: XdaProvider = () => new Promise(() => undefined);
    const base = createSyntheticDashboardData({ trainRows: 40, testRows: 10, dim: 8, classNames: ['a', 'b'], seed: 5 });
    const slow = await startDashboardServer({ data: { ...base, xda: never, xdaJobs: { maxJobs: 1 } }, port: 0, assetsDir: '/nonexistent' });
    try {
      const first = await rawRequest(slow.port, '/api/xda?test=1&train=2&wait=0');
      expect(first.status).toBe(202);
      expect(first.headers['retry-after']).toBe('1');
      expect(JSON.parse(first.body)).toMatchObject({ status: 'running', position: 0, testRow: 1, trainRow: 2 });
      const full = await rawRequest(slow.port, '/api/xda?test=1&train=3&wait=0');
      expect(full.status).toBe(503);
      expect(full.headers['retry-after']).toBe('5');
      expect(JSON.parse(full.body)).toMatchObject({ status: 503, error: expect.stringMatching(/queue is full/) });
    } finally {
      await slow.close();
    }
  });
});
