/**
 * Worker side of the explain thread pool: explains each batch against this worker's slice of the
 * support vectors. It sleeps in Atomics.wait between calls and takes each task synchronously from
 * its port, so the caller's thread can stay blocked (explain is synchronous) while it works.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { DualDAModel } from '../model/types.js';
import { selectGramKernel } from './gram-kernel.js';
import { explainBatchInto } from './kernel.js';
import { CTRL_DONE, CTRL_GEN, CTRL_READY, type ThreadInit, type ThreadTask } from './thread-protocol.js';

const { svFeatures, svAlpha, K, d, ctrl, port } = workerData as ThreadInit;
const nSV = svAlpha.length / K;
const model: DualDAModel = {
  svIndices: new Int32Array(nSV), // positions only matter to the caller, which adds its offset
  svIds: [],
  svAlpha,
  svFeatures,
  svNorms: new Float32Array(nSV),
  weights: new Float64Array(0),
  bias: new Float64Array(0),
  C: 0,
  classNames: [],
  diagnostics: {},
  modelHash: '',
  datasetRevision: '',
};

function run(task: ThreadTask): void {
  const { rows, test, ws, dense, precision, backend } = task;
  const view = { data: test, rows, dim: d, rowStride: d, colStride: 1, offset: 0 };
  explainBatchInto(model, K, view, ws, dense, selectGramKernel(svFeatures, d, nSV, ws.blockSize, { backend, precision }));
}

Atomics.add(ctrl, CTRL_READY, 1);
Atomics.notify(ctrl, CTRL_READY);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL_GEN, seen);
  seen = Atomics.load(ctrl, CTRL_GEN);
  const msg = receiveMessageOnPort(port)?.message as ThreadTask | 'close' | undefined;
  if (msg === undefined || msg === 'close') break;
  try {
    run(msg);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  Atomics.add(ctrl, CTRL_DONE, 1);
  Atomics.notify(ctrl, CTRL_DONE);
}
port.close();
