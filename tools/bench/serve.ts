/**
 * Dashboard server latency bench (issue 10): builds a synthetic 1,000,000-row training store with
 * texts and a DualDA model (`dualda/` group) plus a test store with logits, all with the core
 * writer under /tmp, starts the real `dualxda serve STORE --port 0` as a child process and times
 * every API endpoint over HTTP (issue 15): summary, global, the test list unfiltered / filtered /
 * sorted / searched, the test page, training pages of support vectors (sampled from the training
 * list) and of other rows, the training search and the support-vector list. Goal: p95 <= 50 ms.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/serve.ts [--rows 1000000] [--dim 64]
 *        [--sv 20000] [--test-rows 2000] [--requests 200] [--dir /tmp/dualxda-serve-bench] [--reuse]
 *
 * Prints one JSON object: build seconds, server start-up seconds, the background warm-up of the
 * lazy caches (search indexes, sort orders; serve/warm-up.ts), the first call of each cached
 * endpoint after it (training-page features are still built by the first one), p50/p95 per endpoint
 * (round trip; serverP95 = handler time from Server-Timing), and the server's RSS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createDualDAModel, createFeatureStoreWriter, finalizeFeatureStore, mulberry32, openFeatureStore, saveDualDAModel, type RowBatch } from '@dualxda/core';
import { printBenchJson, summarize } from '../src/bench-harness.js';
import { startServe } from './serve-process.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    dim: { type: 'string', default: '64' },
    sv: { type: 'string', default: '20000' },
    'test-rows': { type: 'string', default: '2000' },
    requests: { type: 'string', default: '200' },
    dir: { type: 'string', default: '/tmp/dualxda-serve-bench' },
    reuse: { type: 'boolean', default: false },
  },
});
const n = Number(values.rows);
const d = Number(values.dim);
const nSV = Math.min(n, Number(values.sv));
const nTest = Number(values['test-rows']);
const requests = Number(values.requests);
const dir = resolve(values.dir);
const K = 4;
const CLASSES = ['world', 'sports', 'business', 'tech'];
const BATCH = 8192;

/** Row-seeded hash PRNG: any row's values can be regenerated without keeping the matrix. */
function rowRand(row: number, salt: number): () => number {
  return mulberry32((Math.imul(row + 1, 0x9e3779b1) ^ salt) >>> 0);
}

function* batches(rows: number, salt: number, withLogits: boolean): Generator<RowBatch> {
  for (let s = 0; s < rows; s += BATCH) {
    const e = Math.min(rows, s + BATCH);
    const features = new Float32Array((e - s) * d);
    const labels = new Int32Array(e - s);
    const texts: string[] = [];
    const logits = withLogits ? new Float32Array((e - s) * K) : undefined;
    for (let r = s; r < e; r++) {
      const rand = rowRand(r, salt);
      const y = Math.floor(rand() * K);
      labels[r - s] = y;
      for (let i = 0; i < d; i++) features[(r - s) * d + i] = rand() * 2 - 1 + (i % K === y ? 0.5 : 0);
      texts.push(`${CLASSES[y]} example ${r} with some words ${Math.floor(rand() * 1e6)}`);
      if (logits) for (let m = 0; m < K; m++) logits[(r - s) * K + m] = (m === y ? 2 : 0) + rand();
    }
    yield { features, labels, ids: Array.from({ length: e - s }, (_, i) => s + i), texts, ...(logits ? { logits } : {}) };
  }
}

async function writeStore(path: string, rows: number, salt: number, logits: boolean): Promise<void> {
  const writer = await createFeatureStoreWriter(path, { rows, dim: d, classNames: CLASSES, texts: true, logitsDim: logits ? K : 0, tool: 'bench-serve' });
  await writer.write(batches(rows, salt, logits));
  await writer.close();
  await finalizeFeatureStore(path);
}

/** A Crammer–Singer-feasible alpha on random rows (row sums 0, alpha[i, y_i] in [0, C]), weights from it. */
async function writeModel(trainPath: string): Promise<void> {
  const C = 0.1;
  const pick = rowRand(0, 77);
  const chosen = new Set<number>();
  while (chosen.size < nSV) chosen.add(Math.floor(pick() * n));
  const svIndices = Int32Array.from([...chosen].sort((a, b) => a - b));
  const store = await openFeatureStore(trainPath);
  const block = await store.gatherRows(svIndices);
  const svAlpha = new Float64Array(nSV * K);
  const weights = new Float64Array(K * d);
  const bias = new Float64Array(K);
  for (let j = 0; j < nSV; j++) {
    const y = block.labels[j] as number;
    const a = C * (0.05 + 0.95 * pick());
    const other = (y + 1 + Math.floor(pick() * (K - 1))) % K;
    svAlpha[j * K + y] = a;
    svAlpha[j * K + other] = -a;
    for (const m of [y, other]) {
      const am = svAlpha[j * K + m] as number;
      bias[m] = (bias[m] as number) + am;
      for (let i = 0; i < d; i++) weights[m * d + i] = (weights[m * d + i] as number) + am * (block.features[j * d + i] as number);
    }
  }
  await saveDualDAModel(trainPath, await createDualDAModel(store, { svIndices, svAlpha, weights, bias, C }));
}

async function build(): Promise<number> {
  const t0 = performance.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeStore(join(dir, 'train'), n, 1, false);
  await writeStore(join(dir, 'test'), nTest, 2, true);
  await writeModel(join(dir, 'train'));
  await writeFile(join(dir, 'train', 'dualxda-run.json'), JSON.stringify({ testStore: '../test', createdBy: 'tools/bench/serve.ts' }));
  return (performance.now() - t0) / 1000;
}

interface Timings {
  /** Round trip through HTTP on localhost (client clock). */
  total: ReturnType<typeof summarize>;
  /** Handler time the server reports in its Server-Timing header. */
  server: ReturnType<typeof summarize>;
}

async function timeGets(url: string, paths: string[]): Promise<Timings> {
  const total: number[] = [];
  const server: number[] = [];
  for (const p of paths) {
    const t0 = performance.now();
    const res = await fetch(url + p);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET ${p} -> ${res.status}`);
    total.push(performance.now() - t0);
    server.push(Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN));
  }
  return { total: summarize(total), server: summarize(server) };
}

/** RSS (MiB) of `pid` plus its descendants (the CLI launcher runs the server in a child). */
function treeRssMiB(pid: number): number {
  const kids = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const rss = (p: number): number => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  return rss(pid) + kids(pid).reduce((sum, k) => sum + treeRssMiB(k), 0);
}

/** One GET, timed; returns the parsed body. */
async function getJson<T>(url: string, path: string): Promise<T> {
  const res = await fetch(url + path);
  if (!res.ok) throw new Error(`GET ${path} -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

const reuse = values.reuse && existsSync(join(dir, 'train', 'dualda'));
const buildSeconds = reuse ? 0 : await build();
const server = await startServe(join(dir, 'train'));
try {
  const rand = rowRand(123, 9);
  const pick = (m: number): number => Math.floor(rand() * m);
  const many = (f: () => string): string[] => Array.from({ length: requests }, f);
  // The server warms its caches (search indexes, sort orders, overview) in the background after
  // start (serve/warm-up.ts): time until both indexes report ready, polled as a page would.
  const tWarm = performance.now();
  const indexReady = async (path: string): Promise<boolean> => (await getJson<{ searchIndex: { ready: boolean } }>(server.url, path)).searchIndex.ready;
  while (!((await indexReady('api/tests?limit=1')) && (await indexReady('api/train?limit=1')))) await new Promise((r) => setTimeout(r, 100));
  const warmUpSeconds = (performance.now() - tWarm) / 1000;
  // First calls after the warm-up: what a user's first search, sorted page and training page cost
  // (before the warm-up they built the caches on the request path); then every endpoint warm.
  const cold: Record<string, number> = {};
  const first = async (name: string, path: string): Promise<void> => {
    const t0 = performance.now();
    await getJson(server.url, path);
    cold[name] = performance.now() - t0;
  };
  await first('testSearch', 'api/tests?q=sports&limit=100');
  await first('trainSearch', 'api/train?q=sports&limit=100');
  for (const key of ['margin', 'loss', 'confidence']) await first(`sort:${key}`, `api/tests?sort=${key}&limit=100`);
  // Support vectors from the training list itself (sorted by self-influence = support vectors only).
  const svPage = await getJson<{ total: number; items: { row: number }[] }>(server.url, `api/train?sort=self-influence&order=desc&offset=${pick(Math.max(1, nSV - 500))}&limit=500`);
  const svRows = svPage.items.map((r) => r.row);
  const svSet = new Set(svRows);
  await first('trainSvPage', `api/train/${svRows[0]}?k=10`);
  const nonSv = (): number => {
    for (;;) {
      const r = pick(n);
      if (!svSet.has(r)) return r;
    }
  };
  const word = (): string => `${CLASSES[pick(K)]} ${pick(1000)}`;
  const sorts = ['margin', 'loss', 'confidence'];
  const endpoints: Record<string, string[]> = {
    summary: many(() => 'api/summary'),
    global: many(() => 'api/global?limit=50'),
    testListUnfiltered: many(() => `api/tests?offset=${pick(nTest)}&limit=100`),
    testListFiltered: many(() => `api/tests?misclassified=${pick(2)}&pred=${pick(K)}&offset=${pick(1000)}&limit=100`),
    testListSorted: many(() => `api/tests?sort=${sorts[pick(3)]}&order=${pick(2) === 0 ? 'asc' : 'desc'}&offset=${pick(nTest)}&limit=100`),
    testListSearched: many(() => `api/tests?q=${encodeURIComponent(word())}&limit=100`),
    testDetail: many(() => `api/tests/${pick(nTest)}?k=10`),
    trainDetailSv: many(() => `api/train/${svRows[pick(svRows.length)]}?k=10`),
    trainDetailNonSv: many(() => `api/train/${nonSv()}?k=10`),
    trainSearch: many(() => `api/train?q=${encodeURIComponent(word())}&limit=100`),
    trainListSv: many(() => `api/train?sort=self-influence&order=desc&offset=${pick(nSV)}&limit=100`),
  };
  const timings: Record<string, Timings> = {};
  for (const [name, paths] of Object.entries(endpoints)) {
    await timeGets(server.url, paths.slice(0, 5)); // warm-up
    timings[name] = await timeGets(server.url, paths);
  }
  const table = Object.fromEntries(Object.entries(timings).map(([k, t]) => [k, { p50: round(t.total.p50), p95: round(t.total.p95), serverP95: round(t.server.p95) }]));
  const worst = Math.max(...Object.values(timings).map((t) => t.total.p95));
  printBenchJson('serve', { rows: n, dim: d, supportVectors: nSV, testRows: nTest, K, requestsPerEndpoint: requests, buildSeconds, startupSeconds: server.seconds, warmUpSeconds: round(warmUpSeconds), coldFirstCallMs: Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, round(v)])), endpointsMs: table, worstP95Ms: round(worst), goalP95Ms: 50, meetsGoal: worst <= 50, serverRssMiB: treeRssMiB(server.pid), loadAverage: loadavg(), dir });
} finally {
  server.stop();
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
