import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { halfSquaredNorm } from './diagnostics.js';
import { finalizeInMemory } from './finalize.js';
import { type ShardInit, type ShardReply, type ShardRequest, shardRanges } from './parallel-protocol.js';
import { dotsProbe } from './probe.js';
import { type InMemoryProblem, prepareProblem } from './problem.js';
import { resolveSolverOptions } from './resolve-options.js';
import { type PassLoop, type PassLoopResult, createPassLoop, runSerialPasses } from './serial.js';
import { checkStop, createStopControl, elapsedSeconds } from './stop-control.js';
import type { FeatureMatrix, ResolvedSolverOptions, SolverOptions, SolverResult, StopReason } from './types.js';
import { spawnSolverWorker } from './spawn-worker.js';
import { accumulateWeights } from './warm-start.js';

function spawnWorker(init: ShardInit): Worker {
  return spawnSolverWorker('parallel-worker', init);
}

function request(worker: Worker, reactivate: boolean, probe = false): Promise<ShardReply> {
  return new Promise((resolve, reject) => {
    const onError = (e: unknown): void => reject(e);
    worker.once('error', onError);
    worker.once('message', (m: ShardReply) => {
      worker.off('error', onError);
      resolve(m);
    });
    worker.postMessage({ reactivate, probe } satisfies ShardRequest);
  });
}

/**
 * The threads are kept only when the probe (the K dot products of every row, once on this thread,
 * once split over the workers) runs at least this many times faster on them: asynchronous passes
 * from a stale W̃ need more passes than the serial loop (measured 1.6–1.8× on the synthetic bench
 * with real concurrency, 3× on the CNN features of tools/bench/solver-real.ts).
 */
export const MIN_THREAD_SPEEDUP = 3;

/**
 * Serial LIBLINEAR passes on the main thread until every worker has booted (a worker compiled from
 * TypeScript takes ~0.5 s to start). `result` set: the loop ended for another reason (converged,
 * budget, abort) and is final; otherwise `loop` stands at a pass boundary, ready to continue.
 */
function serialUntilReady(loop: PassLoop, ready: Int32Array): PassLoopResult | undefined {
  const allReady = (): boolean => {
    for (let t = 0; t < ready.length; t++) if (Atomics.load(ready, t) !== 1) return false;
    return true;
  };
  for (;;) {
    const r = loop.step();
    if (r || allReady()) return r;
  }
}

/** Measured speedup of the workers over this thread on the read-only probe. */
async function probeSpeedup(p: InMemoryProblem, workers: Worker[]): Promise<number> {
  const t0 = performance.now();
  dotsProbe(p.w, p.K, p.D, p.x, 0, p.n, p.bias);
  const t1 = performance.now();
  await Promise.all(workers.map((wk) => request(wk, false, true)));
  return (t1 - t0) / Math.max(performance.now() - t1, 1e-3);
}

function runToEnd(loop: PassLoop): PassLoopResult {
  for (;;) {
    const r = loop.step();
    if (r) return r;
  }
}

/** Recomputes W̃ = αᵀX̃ exactly (removes the drift of lock-free updates) and Σ α_{i,y_i}. */
function resyncWeights(p: InMemoryProblem): void {
  p.w.fill(0);
  accumulateWeights(p.alpha, p.K, p.D, p.x, 0, p.n, 0, p.w, p.bias);
  let s = 0;
  for (let i = 0; i < p.n; i++) s += p.alpha[i * p.K + (p.y[i] as number)] as number;
  p.sumAlphaY = s;
}

/**
 * Threaded Crammer–Singer solver. Rows are split into contiguous shards (each also expressible as
 * a FeatureStore row range), one per worker_thread. LIBLINEAR's outer loop runs on the main
 * thread; each pass runs concurrently on all shards (shuffle and shrinking per shard), each worker
 * writing its alpha rows directly and merging its W̃ changes into a shared W̃ every few rows without
 * locks: asynchronous dual coordinate descent in the style of PASSCoDe-Wild (Hsieh, Yu and
 * Dhillon, ICML 2015) with bounded delay. While the workers boot, the main thread already runs
 * serial LIBLINEAR passes on the shared α and W̃ and hands over when all are ready. On convergence
 * W̃ is recomputed exactly from alpha (removing the drift that lock-free merges can leave) and a
 * serial pass certifies or finishes convergence, so the result meets the same tolerance as
 * `solveCrammerSinger`. `threads` 0 = all cores.
 *
 * @example
 * const r = await solveCrammerSingerParallel({ data: X, shape: [n, d] }, labels, { C: 1e-3, threads: 2 });
 */
export function solveCrammerSingerParallel(features: FeatureMatrix, labels: ArrayLike<number>, options: SolverOptions = {}): Promise<SolverResult> {
  return runParallel(features, labels, options, true);
}

/** Internal knobs of `runParallel` (tests). */
export interface ParallelTuning {
  /** Keep the workers only when the probe runs this many times faster on them. @default MIN_THREAD_SPEEDUP */
  minSpeedup?: number;
  /** Called at the hand-over with the measured speedup and whether the threads are kept. */
  onProbe?: (speedup: number, threaded: boolean) => void;
}

/**
 * `solveCrammerSingerParallel`; `warmUp` false skips the serial passes during the boot (and so the
 * scaling measurement; tests).
 */
export async function runParallel(features: FeatureMatrix, labels: ArrayLike<number>, options: SolverOptions, warmUp: boolean, tuning: ParallelTuning = {}): Promise<SolverResult> {
  const minSpeedup = tuning.minSpeedup ?? MIN_THREAD_SPEEDUP;
  const o = resolveSolverOptions(options);
  const sc = createStopControl();
  const threads = Math.max(1, o.threads === 0 ? availableParallelism() : o.threads);
  // T workers cannot beat this thread by more than min(T, cores)×: below the bar no worker is
  // started and the result is `solveCrammerSinger`'s, at its cost (2 threads on 2 cores, say).
  const serialOnly = threads === 1 || Math.min(threads, availableParallelism()) < minSpeedup;
  const p = prepareProblem(features, labels, o, !serialOnly);
  if (serialOnly || p.n < 2 * threads) return finalizeInMemory(p, o.C, o.biasScale, runSerialPasses(p, o, sc), sc.startMs);
  const y = new Int32Array(new SharedArrayBuffer(p.n * 4));
  y.set(p.y);
  const ready = new Int32Array(new SharedArrayBuffer(4 * threads));
  const workers = shardRanges(p.n, threads).map(([start, end], t) =>
    spawnWorker({ x: p.x, bias: p.bias, q: p.q, y, alpha: p.alpha, w: p.w, K: p.K, D: p.D, C: o.C, start, end, seed: o.seed + 7919 * (t + 1), shrinking: o.shrinking, ready, index: t }),
  );
  // While the workers boot, LIBLINEAR's serial loop runs here on the shared alpha and W̃. Then the
  // probe decides: threads that do not scale leave the serial loop to finish with its state intact.
  const warm = warmUp ? createPassLoop(p, o, sc) : undefined;
  const early = warm ? serialUntilReady(warm, ready) : undefined;
  if (warm && !early) {
    const speedup = await probeSpeedup(p, workers);
    const threaded = speedup >= minSpeedup;
    tuning.onProbe?.(speedup, threaded);
    if (!threaded) {
      await Promise.all(workers.map((wk) => wk.terminate()));
      return finalizeInMemory(p, o.C, o.biasScale, runToEnd(warm), sc.startMs);
    }
  }
  if (early) {
    await Promise.all(workers.map((wk) => wk.terminate()));
    return finalizeInMemory(p, o.C, o.biasScale, early, sc.startMs);
  }
  let passes = warm?.passes ?? 0;
  let reason: StopReason | undefined;
  try {
    // LIBLINEAR's outer loop with the shards' passes running concurrently (dualda.md §6); the
    // workers start with every row active, i.e. a re-activation of the warm-up's schedule.
    let epsShrink = warm?.epsShrink ?? Math.max(10 * o.tolerance, 1);
    let startFromAll = true;
    let reactivate = false;
    while (!reason) {
      const replies = await Promise.all(workers.map((wk) => request(wk, reactivate)));
      reactivate = false;
      let viol = -Infinity, active = 0;
      for (const r of replies) {
        viol = Math.max(viol, r.viol);
        p.sumAlphaY += r.sumAlphaYDelta;
        active += r.active;
      }
      passes++;
      if (viol < epsShrink) {
        if (viol < o.tolerance && startFromAll) {
          reason = 'tolerance';
          break;
        }
        reactivate = true;
        epsShrink = Math.max(epsShrink / 2, o.tolerance);
        startFromAll = true;
      } else startFromAll = false;
      const dual = p.sumAlphaY - halfSquaredNorm(p.w);
      o.onProgress?.({ pass: passes, maxViolation: viol, dualObjective: dual, activeRows: active, seconds: elapsedSeconds(sc) });
      reason = checkStop(sc, o, passes, dual);
    }
  } finally {
    await Promise.all(workers.map((wk) => wk.terminate()));
  }
  resyncWeights(p);
  // The final serial loop reports its passes after the threaded ones (a progress bar keeps counting up).
  const offset = passes;
  const tail: ResolvedSolverOptions = { ...o, maxPasses: Math.max(1, o.maxPasses - passes), onProgress: o.onProgress && ((pr) => o.onProgress?.({ ...pr, pass: offset + pr.pass })) };
  if (reason !== 'tolerance') return finalizeInMemory(p, o.C, o.biasScale, { iterations: passes, stopReason: reason }, sc.startMs);
  const polish = runSerialPasses(p, tail, sc, 104_729, 10 * o.tolerance);
  return finalizeInMemory(p, o.C, o.biasScale, { iterations: passes + polish.iterations, stopReason: polish.stopReason }, sc.startMs);
}
