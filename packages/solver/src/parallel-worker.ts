/**
 * Worker side of the threaded solver: owns one contiguous row shard [start, end) and runs one
 * shuffled, shrinking pass over its active rows per request. Its updates go to a
 * private copy of W̃ that is merged into the shared W̃ every SYNC_EVERY rows without locks
 * (PASSCoDe-Wild with bounded delay, see docs/solver.md): merging in batches keeps the two cores
 * from invalidating each other's cache lines on every update.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ROW_SHRUNK, createCsState, initRow, reactivateClasses } from './cs-kernel.js';
import { createRng, shufflePrefix } from './rng.js';
import { createScreening, screenedUpdate } from './screening.js';
import type { ShardInit, ShardReply, ShardRequest } from './parallel-protocol.js';
import { dotsProbe } from './probe.js';

/** Rows between merges of the private W̃ into the shared one. */
const SYNC_EVERY = 64;

const init = workerData as ShardInit;
const { x, bias, q, y, alpha, K, D, C, start, end, shrinking } = init;
const shared = init.w;
const base = new Float64Array(K * D);
const rows = end - start;
const st = createCsState(rows, K, D, C, alpha, base, bias);
const local = st.w;
for (let li = 0; li < rows; li++) initRow(st, li, y[start + li] as number);
const order = new Int32Array(rows);
for (let li = 0; li < rows; li++) order[li] = li;
const rng = createRng(init.seed);
let active = rows;
const screen = shrinking ? createScreening(rows, q.subarray(start, end), K, D) : undefined;

/**
 * Re-reads the shared W̃. The other shards' changes arriving here move the local W̃ too, so their
 * size (max over classes) is added to the drift clock that the screening's bounds rely on.
 */
function refresh(): void {
  base.set(shared); // one read of the racy shared W̃: the clock must measure exactly what local becomes
  if (screen) {
    let worst = 0;
    for (let k = 0; k < K; k++) {
      let s2 = 0;
      for (let j = k * D; j < (k + 1) * D; j++) {
        const v = (base[j] as number) - (local[j] as number);
        s2 += v * v;
      }
      if (s2 > worst) worst = s2;
    }
    st.drift += Math.sqrt(worst);
  }
  local.set(base);
}

/** Adds this worker's changes since the last refresh to the shared W̃, then re-reads it. */
function merge(): void {
  for (let t = 0; t < local.length; t++) {
    const delta = (local[t] as number) - (base[t] as number);
    if (delta !== 0) shared[t] = (shared[t] as number) + delta;
  }
  refresh();
}

function pass(): number {
  let viol = -Infinity;
  shufflePrefix(rng, order, active);
  let sinceMerge = 0;
  for (let s = 0; s < active; s++) {
    const li = order[s] as number;
    const i = start + li;
    const v = screenedUpdate(st, screen, i, li, y[i] as number, x, i * (D - 1), q[i] as number, shrinking);
    if (v === ROW_SHRUNK) {
      active--;
      order[s] = order[active] as number;
      order[active] = li;
      s--;
    } else if (v > viol) viol = v;
    if (++sinceMerge === SYNC_EVERY) {
      merge();
      sinceMerge = 0;
    }
  }
  merge();
  return viol;
}

Atomics.store(init.ready, init.index, 1);

parentPort?.on('message', (msg: ShardRequest) => {
  if (msg.probe) {
    dotsProbe(shared, K, D, x, start, end, bias);
    parentPort?.postMessage({ viol: 0, sumAlphaYDelta: 0, active } satisfies ShardReply);
    return;
  }
  if (msg.reactivate) {
    active = rows;
    reactivateClasses(st, rows);
  }
  st.sumAlphaY = 0;
  refresh();
  const viol = pass();
  parentPort?.postMessage({ viol, sumAlphaYDelta: st.sumAlphaY, active } satisfies ShardReply);
});
