import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { halfSquaredNorm } from './diagnostics.js';
import { finalizeInMemory } from './finalize.js';
import { type ShardInit, type ShardReply, shardRanges } from './parallel-protocol.js';
import { type InMemoryProblem, prepareProblem } from './problem.js';
import { resolveSolverOptions } from './resolve-options.js';
import { type PassLoopResult, runSerialPasses } from './serial.js';
import { type StopControl, checkStop, createStopControl, elapsedSeconds } from './stop-control.js';
import type { FeatureMatrix, ResolvedSolverOptions, SolverOptions, SolverResult, StopReason } from './types.js';
import { spawnSolverWorker } from './spawn-worker.js';
import { accumulateWeights } from './warm-start.js';

function spawnWorker(init: ShardInit): Worker {
  return spawnSolverWorker('parallel-worker', init);
}

function request(worker: Worker, reactivate: boolean): Promise<ShardReply> {
  return new Promise((resolve, reject) => {
    const onError = (e: unknown): void => reject(e);
    worker.once('error', onError);
    worker.once('message', (m: ShardReply) => {
      worker.off('error', onError);
      resolve(m);
    });
    worker.postMessage({ reactivate });
  });
}

/**
 * Serial LIBLINEAR passes on the main thread until every worker has booted (a worker compiled from
 * TypeScript takes ~0.5 s to start). handOff false: the loop ended for another reason (converged,
 * budget, abort) and its result is final.
 */
function serialUntilReady(p: InMemoryProblem, o: ResolvedSolverOptions, sc: StopControl, ready: Int32Array): { loop: PassLoopResult; handOff: boolean } {
  let handOff = false;
  const allReady = (): boolean => {
    for (let t = 0; t < ready.length; t++) if (Atomics.load(ready, t) !== 1) return false;
    return true;
  };
  const shouldStop = (): boolean => {
    if (o.shouldStop?.()) return true;
    handOff = allReady();
    return handOff;
  };
  const loop = runSerialPasses(p, { ...o, shouldStop }, sc);
  if (loop.stopReason !== 'aborted' || o.signal?.aborted) handOff = false;
  return { loop, handOff };
}

/** Recomputes W̃ = αᵀX̃ exactly (removes the drift of lock-free updates) and Σ α_{i,y_i}. */
function resyncWeights(p: InMemoryProblem): void {
  p.w.fill(0);
  accumulateWeights(p.alpha, p.K, p.D, p.x, 0, p.n, 0, p.w);
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

/** `solveCrammerSingerParallel`; `warmUp` false skips the serial passes during the boot (tests). */
export async function runParallel(features: FeatureMatrix, labels: ArrayLike<number>, options: SolverOptions, warmUp: boolean): Promise<SolverResult> {
  const o = resolveSolverOptions(options);
  const sc = createStopControl();
  const threads = Math.max(1, o.threads === 0 ? availableParallelism() : o.threads);
  const p = prepareProblem(features, labels, o, threads > 1);
  if (threads === 1 || p.n < 2 * threads) return finalizeInMemory(p, o.C, o.biasScale, runSerialPasses(p, o, sc), sc.startMs);
  const y = new Int32Array(new SharedArrayBuffer(p.n * 4));
  y.set(p.y);
  const ready = new Int32Array(new SharedArrayBuffer(4 * threads));
  const workers = shardRanges(p.n, threads).map(([start, end], t) =>
    spawnWorker({ x: p.x, q: p.q, y, alpha: p.alpha, w: p.w, K: p.K, D: p.D, C: o.C, start, end, seed: o.seed + 7919 * (t + 1), shrinking: o.shrinking, ready, index: t }),
  );
  const warm = warmUp ? serialUntilReady(p, o, sc, ready) : undefined;
  if (warm && !warm.handOff) {
    await Promise.all(workers.map((wk) => wk.terminate()));
    return finalizeInMemory(p, o.C, o.biasScale, warm.loop, sc.startMs);
  }
  let passes = warm?.loop.iterations ?? 0;
  let reason: StopReason | undefined;
  try {
    // LIBLINEAR's outer loop with the shards' passes running concurrently (dualda.md §6); the
    // workers start with every row active, i.e. a re-activation of the warm-up's schedule.
    let epsShrink = warm?.loop.epsShrink ?? Math.max(10 * o.tolerance, 1);
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
  if (reason !== 'tolerance') return finalizeInMemory(p, o.C, o.biasScale, { iterations: passes, stopReason: reason }, sc.startMs);
  const polish = runSerialPasses(p, { ...o, maxPasses: Math.max(1, o.maxPasses - passes) }, sc, 104_729, 10 * o.tolerance);
  return finalizeInMemory(p, o.C, o.biasScale, { iterations: passes + polish.iterations, stopReason: polish.stopReason }, sc.startMs);
}
