/**
 * Multi-threaded explain (Node only, `explainThreaded`): the support vectors are split into `threads` contiguous
 * slices; this thread explains the first, and one worker_thread per other slice (started once per
 * model and kept, idle in Atomics.wait, until `releaseExplainThreads`) explains its own. Heaps and
 * row sums are merged here. Workers are unref'd, so they never keep a process alive.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DualxdaError } from '../errors.js';
import type { DualDAModel } from '../model/types.js';
import { explainWithRunner, type ExplainResult, type TestFeatures } from './explain.js';
import { selectGramKernel } from './gram-kernel.js';
import { explainBatchInto, type FeatureMatrixView } from './kernel.js';
import type { ExplainOptions, ResolvedExplainOptions } from './options.js';
import { CTRL_DONE, CTRL_FAILED, CTRL_GEN, CTRL_READY, CTRL_SLOTS, createSharedWorkspace, sliceModel, type ThreadFailure, type ThreadInit, type ThreadTask } from './thread-protocol.js';
import { heapOffer } from './top-k.js';
import type { ExplainWorkspace } from './workspace.js';

/** Worker start-up (module load, support-vector copy) and per-call limits. */
const START_TIMEOUT_MS = 120_000;
const CALL_TIMEOUT_MS = 600_000;

interface Pool {
  starts: number[];
  main: DualDAModel;
  workers: Worker[];
  ports: MessagePort[];
  ctrl: Int32Array;
  test: Float32Array;
  wss: ExplainWorkspace[];
}

const pools = new WeakMap<DualDAModel, Map<number, Pool>>();
// Workers hold copies, not the model: once it is collected, stop its workers.
const reaper = new FinalizationRegistry<Worker[]>((workers) => {
  for (const w of workers) void w.terminate();
});

function threadError(message: string, cause?: unknown): DualxdaError {
  return new DualxdaError('ExplainThreadsError', `explain threads: ${message}`, { cause });
}

/** Starts a worker from the built .js, or from the .ts source (vitest, tsx) through a tsx bootstrap. */
function spawn(init: ThreadInit): Worker {
  const transferList = [init.port];
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./explain-worker.js', import.meta.url), { workerData: init, transferList });
  const entry = new URL('./explain-worker.ts', import.meta.url).href;
  // tsx's ESM API registers the loader inside the worker (Node 20 does not pass --import hooks on).
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `const { workerData } = require('node:worker_threads');
import(${JSON.stringify(tsxApi)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); })
  .catch((e) => { workerData.port.postMessage({ error: String(e && e.stack || e) }); Atomics.store(workerData.ctrl, ${CTRL_FAILED}, 1); Atomics.add(workerData.ctrl, ${CTRL_READY}, 1); Atomics.notify(workerData.ctrl, ${CTRL_READY}); });`;
  return new Worker(boot, { eval: true, workerData: init, transferList, execArgv: ['--conditions=@dualxda/source'] });
}

/** Blocks until ctrl[slot] reaches `target`; false on timeout. */
function waitFor(ctrl: Int32Array, slot: number, target: number, timeoutMs: number): boolean {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = Atomics.load(ctrl, slot);
    if (v >= target) return true;
    const left = end - Date.now();
    if (left <= 0) return false;
    Atomics.wait(ctrl, slot, v, left);
  }
}

function failures(ports: MessagePort[]): string[] {
  const out: string[] = [];
  for (const p of ports) {
    for (let m = receiveMessageOnPort(p); m !== undefined; m = receiveMessageOnPort(p)) out.push((m.message as ThreadFailure).error);
  }
  return out;
}

function startPool(model: DualDAModel, K: number, d: number, nSV: number, threads: number): Pool {
  // Slice boundaries on multiples of 4 (the SIMD kernel's column step).
  const starts = Array.from({ length: threads + 1 }, (_, w) => (w === threads ? nSV : Math.round((nSV * w) / threads / 4) * 4));
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  for (let w = 1; w < threads; w++) {
    const [s, e] = [starts[w] as number, starts[w + 1] as number];
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    const worker = spawn({ svFeatures: model.svFeatures.slice(s * d, e * d), svAlpha: model.svAlpha.slice(s * K, e * K), K, d, ctrl, port: port2 });
    worker.unref();
    workers.push(worker);
  }
  const ok = waitFor(ctrl, CTRL_READY, workers.length, START_TIMEOUT_MS);
  if (!ok || Atomics.load(ctrl, CTRL_FAILED) !== 0) {
    const why = failures(ports).join('\n') || `not started within ${START_TIMEOUT_MS} ms`;
    for (const w of workers) void w.terminate();
    throw threadError(`a worker failed to start: ${why}`);
  }
  const main = sliceModel(model, K, d, 0, starts[1] as number);
  return { starts, main, workers, ports, ctrl, test: new Float32Array(0), wss: [] };
}

function getPool(model: DualDAModel, K: number, d: number, threads: number): Pool {
  let byThreads = pools.get(model);
  if (byThreads === undefined) pools.set(model, (byThreads = new Map()));
  let pool = byThreads.get(threads);
  if (pool === undefined) {
    byThreads.set(threads, (pool = startPool(model, K, d, model.svIndices.length, threads)));
    reaper.register(model, pool.workers, pool);
  }
  return pool;
}

/**
 * Threaded twin of explainBatchInto: same workspace contract (targets filled, heaps and row sums
 * written), `dense` B × nSV when given.
 */
export function explainThreadedInto(model: DualDAModel, K: number, view: FeatureMatrixView, ws: ExplainWorkspace, dense: Float64Array | undefined, opts: ResolvedExplainOptions): void {
  const { rows, dim: d } = view;
  const nSV = model.svIndices.length;
  const pool = getPool(model, K, d, opts.threads);
  const { starts, ports, ctrl, main } = pool;
  const { topK, blockSize } = ws;
  if (pool.test.length < rows * d) pool.test = new Float32Array(new SharedArrayBuffer(rows * d * 4));
  const w0 = pool.wss[0];
  if (w0 === undefined || w0.maxRows < rows || w0.topK !== topK || w0.blockSize !== blockSize) pool.wss = ports.map(() => createSharedWorkspace(rows, topK, blockSize));
  const test = pool.test;
  for (let t = 0; t < rows; t++) {
    let src = view.offset + t * view.rowStride;
    for (let q = 0; q < d; q++, src += view.colStride) test[t * d + q] = view.data[src] as number;
  }
  const denses = ports.map((_, w) => (dense ? new Float64Array(new SharedArrayBuffer(rows * ((starts[w + 2] as number) - (starts[w + 1] as number)) * 8)) : undefined));
  ports.forEach((port, w) => {
    const wws = pool.wss[w] as ExplainWorkspace;
    wws.targets.set(ws.targets.subarray(0, rows));
    const task: ThreadTask = { rows, test, ws: wws, dense: denses[w], precision: opts.precision, backend: opts.backend };
    port.postMessage(task);
  });
  Atomics.store(ctrl, CTRL_DONE, 0);
  Atomics.add(ctrl, CTRL_GEN, 1);
  Atomics.notify(ctrl, CTRL_GEN);
  const n0 = starts[1] as number;
  const dense0 = dense ? new Float64Array(rows * n0) : undefined;
  let ownError: unknown;
  try {
    explainBatchInto(main, K, { data: test, rows, dim: d, rowStride: d, colStride: 1, offset: 0 }, ws, dense0, selectGramKernel(main.svFeatures, d, n0, blockSize, opts));
  } catch (e) {
    ownError = e; // rethrown once the workers are idle again, so the next call starts clean
  }
  if (!waitFor(ctrl, CTRL_DONE, ports.length, CALL_TIMEOUT_MS)) throw threadError(`workers did not finish within ${CALL_TIMEOUT_MS} ms`);
  if (ownError !== undefined) throw ownError;
  const failed = failures(ports);
  if (failed.length > 0) throw threadError(failed.join('\n'));
  // Merge in slice order: offers from later slices replace only on strictly better scores, as in one pass.
  for (let w = 0; w < ports.length; w++) {
    const wws = pool.wss[w] as ExplainWorkspace;
    const off = starts[w + 1] as number;
    for (let t = 0; t < rows; t++) {
      const hk = t * topK;
      let pc = ws.proCount[t] as number;
      let oc = ws.oppCount[t] as number;
      for (let q = 0; q < (wws.proCount[t] as number); q++) pc = heapOffer(ws.proScore, ws.proIdx, hk, pc, topK, wws.proScore[hk + q] as number, (wws.proIdx[hk + q] as number) + off, 1);
      for (let q = 0; q < (wws.oppCount[t] as number); q++) oc = heapOffer(ws.oppScore, ws.oppIdx, hk, oc, topK, wws.oppScore[hk + q] as number, (wws.oppIdx[hk + q] as number) + off, -1);
      ws.proCount[t] = pc;
      ws.oppCount[t] = oc;
      ws.rowSum[t] = (ws.rowSum[t] as number) + (wws.rowSum[t] as number);
    }
  }
  if (dense) {
    for (let w = 0; w <= ports.length; w++) {
      const src = w === 0 ? (dense0 as Float64Array) : (denses[w - 1] as Float64Array);
      const [s, e] = [starts[w] as number, starts[w + 1] as number];
      for (let t = 0; t < rows; t++) dense.set(src.subarray(t * (e - s), (t + 1) * (e - s)), t * nSV + s);
    }
  }
}

/**
 * `explain` that honours `threads` > 1 (Node only; kept out of explain.ts so that browser bundles
 * of `explain` never see worker_threads). Same results as `explain` (rowSum to float64 rounding).
 *
 * @example
 * const r = explainThreaded(model, { data: f, shape: [64, d] }, { threads: 2, precision: 'float32' });
 */
export function explainThreaded(model: DualDAModel, testFeatures: TestFeatures, options: ExplainOptions = {}): ExplainResult {
  return explainWithRunner(model, testFeatures, options, explainThreadedInto);
}

/**
 * Stops the worker threads `explainThreaded(model, …, { threads })` started for this model.
 *
 * @example
 * explainThreaded(model, batch, { threads: 2 });
 * await releaseExplainThreads(model);
 */
export async function releaseExplainThreads(model: DualDAModel): Promise<void> {
  const byThreads = pools.get(model);
  if (byThreads === undefined) return;
  pools.delete(model);
  for (const pool of byThreads.values()) {
    reaper.unregister(pool);
    for (const port of pool.ports) port.postMessage('close');
    Atomics.add(pool.ctrl, CTRL_GEN, 1);
    Atomics.notify(pool.ctrl, CTRL_GEN);
    // ref() so that awaiting the exits keeps the event loop (and a top-level await) alive.
    await Promise.all(pool.workers.map((w) => new Promise<void>((resolve) => (w.threadId === -1 ? resolve() : (w.ref(), w.once('exit', () => resolve()))))));
    for (const port of pool.ports) port.close();
  }
}
