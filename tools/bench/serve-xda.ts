/**
 * XDA-under-load bench (issue 15): starts the real `dualxda serve STORE --port 0` (demo store by
 * default: `npm start` builds .dualxda/demo) and times /api/summary and /api/tests first idle,
 * then while `--pairs` uncached XDA pairs compute in the server's worker pool. Before the pool a
 * relevance pass ran on the event loop and blocked every other request for 7–12 s. The disk cache
 * (STORE/dualda/xda-cache) is emptied first so the pairs are really computed (`--keep-cache` not to).
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/serve-xda.ts [--store .dualxda/demo/train]
 *        [--pairs 8] [--idle-requests 100] [--workers N] [--keep-cache]
 *
 * Prints one JSON object: idle and loaded p50/p95 per endpoint, the loaded/idle p95 ratio, how many
 * samples were taken while pairs were computing, and when each pair finished.
 */
import { rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@dualxda/core';
import { printBenchJson, summarize } from '../src/bench-harness.js';
import { startServe } from './serve-process.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: '.dualxda/demo/train' },
    pairs: { type: 'string', default: '8' },
    'idle-requests': { type: 'string', default: '100' },
    workers: { type: 'string' },
    'keep-cache': { type: 'boolean', default: false },
  },
});
const store = resolve(values.store);
const nPairs = Number(values.pairs);
const idleRequests = Number(values['idle-requests']);
const ENDPOINTS = ['api/summary', 'api/tests?offset=0&limit=100'] as const;

function startServer(): Promise<{ url: string; stop: () => void }> {
  return startServe(store, { ...process.env, ...(values.workers === undefined ? {} : { DUALXDA_XDA_WORKERS: values.workers }) });
}

async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return performance.now() - t0;
}

/** Fetches a pair, polling through 202s; resolves with its completion time since `t0`. */
async function pair(url: string, t0: number): Promise<number> {
  for (;;) {
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status === 200) return (performance.now() - t0) / 1000;
    if (res.status !== 202) throw new Error(`${url}: HTTP ${res.status}`);
  }
}

const summaryOf = (samples: Record<string, number[]>) => Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));

if (!values['keep-cache']) await rm(join(store, 'dualda', 'xda-cache'), { recursive: true, force: true });
const server = await startServer();
try {
  const summary = (await (await fetch(`${server.url}api/summary`)).json()) as { train: { rows: number }; test: { rows: number } };
  const [testRows, trainRows] = [summary.test.rows, summary.train.rows];
  for (const e of ENDPOINTS) for (let i = 0; i < 10; i++) await timed(server.url + e); // warm-up
  const idle: Record<string, number[]> = Object.fromEntries(ENDPOINTS.map((e) => [e, []]));
  for (let i = 0; i < idleRequests; i++) for (const e of ENDPOINTS) idle[e]?.push(await timed(server.url + e));
  const rand = mulberry32(15);
  const t0 = performance.now();
  let pending = nPairs;
  const finished = Array.from({ length: nPairs }, () => pair(`${server.url}api/xda?test=${Math.floor(rand() * testRows)}&train=${Math.floor(rand() * trainRows)}&wait=1000`, t0).finally(() => pending--));
  const loaded: Record<string, number[]> = Object.fromEntries(ENDPOINTS.map((e) => [e, []]));
  while (pending > 0) for (const e of ENDPOINTS) loaded[e]?.push(await timed(server.url + e));
  const pairSeconds = await Promise.all(finished);
  const idleStats = summaryOf(idle);
  const loadedStats = summaryOf(loaded);
  const p95Ratio = Object.fromEntries(ENDPOINTS.map((e) => [e, (loadedStats[e]?.p95 ?? NaN) / (idleStats[e]?.p95 ?? NaN)]));
  printBenchJson('serve-xda', { store, pairs: nPairs, workers: values.workers ?? 'default', cores: cpus().length, idleMs: idleStats, loadedMs: loadedStats, p95Ratio, pairSeconds, loadAverage: loadavg() });
} finally {
  server.stop();
}
