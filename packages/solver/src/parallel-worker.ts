/**
 * Worker side of the threaded solver: owns one contiguous row shard [start, end) and runs
 * LIBLINEAR-style passes with its own shuffle and shrinking state, writing alpha rows of its shard
 * and the shared W̃ without locks (PASSCoDe-Wild, see docs/solver.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ROW_SHRUNK, createCsState, initRow, reactivateClasses, updateSample } from './cs-kernel.js';
import { createRng, shufflePrefix } from './rng.js';
import type { ShardInit, ShardReply, ShardRequest } from './parallel-protocol.js';

const init = workerData as ShardInit;
const { x, q, y, alpha, w, K, D, C, start, end, shrinking } = init;
const rows = end - start;
const st = createCsState(rows, K, D, C, alpha, w);
for (let li = 0; li < rows; li++) initRow(st, li, y[start + li] as number);
const order = new Int32Array(rows);
for (let li = 0; li < rows; li++) order[li] = li;
const rng = createRng(init.seed);
let active = rows;

function pass(): ShardReply {
  st.sumAlphaY = 0;
  let viol = -Infinity;
  shufflePrefix(rng, order, active);
  for (let s = 0; s < active; s++) {
    const li = order[s] as number;
    const i = start + li;
    const v = updateSample(st, i, li, y[i] as number, x, i * D, q[i] as number, shrinking);
    if (v === ROW_SHRUNK) {
      active--;
      order[s] = order[active] as number;
      order[active] = li;
      s--;
    } else if (v > viol) viol = v;
  }
  return { viol, sumAlphaYDelta: st.sumAlphaY, active };
}

parentPort?.on('message', (msg: ShardRequest) => {
  if (msg.reactivate) {
    active = rows;
    reactivateClasses(st, rows);
  }
  parentPort?.postMessage(pass());
});
