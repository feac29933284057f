import { beforeAll, describe, expect, it } from 'vitest';
import type { SortedTestListPage } from './api-tests.js';
import type { TrainListPage } from '@dualxda/core';
import { HttpError } from './http-error.js';
import { routeApi } from './router.js';
import type { TestDetail, TrainDetail } from '@dualxda/core';
import { createServiceState, loadTestFeatures, type ServiceState } from './service-state.js';
import { createSyntheticDashboardData } from './synthetic-data.js';

const data = createSyntheticDashboardData({ trainRows: 300, testRows: 120, dim: 10, classNames: ['sports', 'business', 'tech'], seed: 11 });
let state: ServiceState;

beforeAll(async () => {
  state = await createServiceState(data);
});

const get = async <T>(path: string): Promise<T> => (await routeApi(state, new URL(path, 'http://x'))) as T;
const status = async (path: string): Promise<number> => routeApi(state, new URL(path, 'http://x')).then(() => 200, (e: unknown) => (e instanceof HttpError ? e.status : 500));

/** All rows of a list, paged in `limit`-sized pages. */
async function all<T extends { total: number; items: unknown[] }>(path: string, limit = 7): Promise<T['items']> {
  const out: T['items'] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await get<T>(`${path}${path.includes('?') ? '&' : '?'}offset=${offset}&limit=${limit}`);
    out.push(...page.items);
    if (offset + limit >= page.total) return out;
  }
}

describe('test list: sort and search', () => {
  it('sorts by margin, loss and confidence (both orders) exactly like a brute-force sort over the logits', async () => {
    const logits = await data.test.readLogits();
    if (logits === null) throw new Error('the synthetic test store has logits');
    const labels = await data.test.store.readLabels();
    const K = 3;
    const ref = Array.from(labels, (y, t) => {
      const z = Array.from(logits.subarray(t * K, (t + 1) * K));
      const s = [...z].sort((a, b) => b - a);
      const lse = Math.log(z.reduce((x, v) => x + Math.exp(v), 0));
      return { t, margin: s[0] - s[1], loss: lse - z[y], confidence: Math.exp(s[0] - lse) };
    });
    for (const key of ['margin', 'loss', 'confidence'] as const) {
      const asc = await all<SortedTestListPage>(`/api/tests?sort=${key}`);
      expect(asc.map((r) => r.row)).toEqual([...ref].sort((a, b) => a[key] - b[key] || a.t - b.t).map((r) => r.t));
      asc.forEach((r) => expect(r[key]).toBeCloseTo(ref[r.row][key], 4));
      const desc = await all<SortedTestListPage>(`/api/tests?sort=${key}&order=desc`);
      expect(desc.map((r) => r.row)).toEqual(asc.map((r) => r.row).reverse());
    }
  });

  it('combines filters with a sort and pages them consistently', async () => {
    const sorted = await all<SortedTestListPage>('/api/tests?sort=loss&order=desc');
    const mis = await all<SortedTestListPage>('/api/tests?sort=loss&order=desc&misclassified=1', 5);
    expect(mis.map((r) => r.row)).toEqual(sorted.filter((r) => r.label !== r.prediction).map((r) => r.row));
    const page = await get<SortedTestListPage>('/api/tests?sort=loss&order=desc&misclassified=1&offset=2&limit=3');
    expect(page.total).toBe(mis.length);
    expect(page.items.map((r) => r.row)).toEqual(mis.slice(2, 5).map((r) => r.row));
  });

  it('searches words by prefix, ids too, and checks punctuation queries as substrings', async () => {
    const texts = await data.test.readTexts(Array.from({ length: 120 }, (_, t) => t));
    const word = texts[3].split(' ')[0];
    const hits = await all<SortedTestListPage>(`/api/tests?q=${encodeURIComponent(word.slice(0, 3).toUpperCase())}`);
    expect(hits.map((r) => r.row)).toEqual(texts.flatMap((s, t) => (s.toLowerCase().split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(word.slice(0, 3))) ? [t] : [])));
    const ids = await data.test.store.readIds(0, 120);
    expect((await get<SortedTestListPage>(`/api/tests?q=${encodeURIComponent(ids[42])}`)).items.map((r) => r.row)).toContain(42);
    const sharp = await all<SortedTestListPage>('/api/tests?q=%2311');
    expect(sharp.map((r) => r.row)).toEqual(texts.flatMap((s, t) => (s.includes('#11') ? [t] : [])));
    expect((await get<SortedTestListPage>('/api/tests?q=zzzzqqq')).total).toBe(0);
    expect((await get<SortedTestListPage>('/api/tests?q=zzzzqqq')).searchIndex).toEqual({ ready: true, indexedRows: 120, rows: 120 });
  });

  it('refuses unknown sort keys and self-influence on test rows', async () => {
    expect(await status('/api/tests?sort=self-influence')).toBe(400);
    expect(await status('/api/tests?sort=bogus')).toBe(400);
    expect(await status('/api/tests?order=up')).toBe(400);
    expect(await status('/api/train?sort=margin')).toBe(400);
    expect(await status('/api/train?sv=2')).toBe(400);
  });
});

describe('training list', () => {
  it('lists every row with its alpha summary, and support vectors by self-influence like /api/global', async () => {
    const first = await get<TrainListPage>('/api/train?limit=500');
    expect(first.total).toBe(300);
    expect(first.items.map((r) => r.row)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const svRows = new Set(data.model.svIndices);
    first.items.forEach((r) => expect(r.isSupportVector).toBe(svRows.has(r.row)));
    const bySelf = await all<TrainListPage>('/api/train?sort=self-influence&order=desc', 9);
    expect(bySelf).toHaveLength(svRows.size);
    const global = await get<{ candidates: { row: number }[] }>('/api/global?limit=20');
    expect(bySelf.slice(0, 20).map((r) => r.row)).toEqual(global.candidates.map((c) => c.row));
    const s = bySelf.map((r) => r.selfInfluence);
    expect(s).toEqual([...s].sort((a, b) => b - a));
  });

  it('searches the training texts and filters by label and support vectors', async () => {
    const texts = await data.train.readTexts(Array.from({ length: 300 }, (_, t) => t));
    const labels = await data.train.store.readLabels();
    const hits = await all<TrainListPage>('/api/train?q=market&label=1&sv=1');
    expect(hits.map((r) => r.row)).toEqual(
      texts.flatMap((s, t) => (s.split(' ').some((w) => w.startsWith('market')) && labels[t] === 1 && data.model.svIndices.includes(t) ? [t] : [])),
    );
    hits.forEach((r) => expect(r.snippet).toContain('market'));
  });
});

describe('pages served from held features and cached influence', () => {
  it('ranks the tests a support vector supports and opposes like a brute-force A[t, i], for every k', async () => {
    const test = await data.test.store.readRows(0, 120);
    const logits = await data.test.readLogits();
    if (logits === null) throw new Error('the synthetic test store has logits');
    const K = 3;
    const d = test.dim;
    for (const j of [0, 5]) {
      const row = data.model.svIndices[j];
      const x = (await data.train.store.readRows(row, row + 1)).features;
      const ref = Array.from({ length: 120 }, (_, t) => {
        const z = Array.from(logits.subarray(t * K, (t + 1) * K));
        const c = z.indexOf(Math.max(...z));
        let dot = 0;
        for (let i = 0; i < d; i++) dot += test.features[t * d + i] * x[i];
        return { t, s: data.model.svAlpha[j * K + c] * dot };
      });
      const pos = ref.filter((r) => r.s > 0).sort((a, b) => b.s - a.s);
      const neg = ref.filter((r) => r.s < 0).sort((a, b) => a.s - b.s);
      for (const k of [3, 100, 2]) {
        const body = await get<TrainDetail>(`/api/train/${row}?k=${k}`);
        expect(body.supports.map((r) => r.row)).toEqual(pos.slice(0, k).map((r) => r.t));
        expect(body.opposes.map((r) => r.row)).toEqual(neg.slice(0, k).map((r) => r.t));
        body.opposes.forEach((r, i) => expect(r.score).toBeCloseTo(neg[i].s, 6));
        expect(body.scanned).toBe(120);
      }
    }
  });

  it('gives the same training page with the WebAssembly dot kernel and the scalar fallback', async () => {
    const scalar = await createServiceState(data);
    scalar.influenceKernel = null;
    for (const j of [1, 7]) {
      const path = new URL(`http://x/api/train/${data.model.svIndices[j]}?k=20`);
      const a = (await routeApi(scalar, path)) as TrainDetail;
      const b = (await routeApi(state, path)) as TrainDetail;
      expect(b.supports.map((r) => r.row)).toEqual(a.supports.map((r) => r.row));
      expect(b.opposes.map((r) => r.row)).toEqual(a.opposes.map((r) => r.row));
      b.supports.forEach((r, i) => expect(r.score).toBeCloseTo(a.supports[i].score, 9));
    }
    expect(state.influenceKernel).not.toBeUndefined();
  });

  it('answers the test page identically before and after the test features are held', async () => {
    const fresh = await createServiceState(data);
    const before = await routeApi({ ...fresh, testFeatures: undefined, testFeaturesLoad: undefined }, new URL('http://x/api/tests/7?k=5'));
    await loadTestFeatures(fresh);
    expect(fresh.testFeatures).toBeDefined();
    const after = (await routeApi(fresh, new URL('http://x/api/tests/7?k=5'))) as TestDetail;
    expect(after).toEqual(before);
    expect(after.proponents.length).toBeGreaterThan(0);
  });
});
