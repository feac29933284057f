/**
 * What the explain thread pool (threads.ts) and its workers (explain-worker.ts) exchange. Each
 * worker owns a contiguous slice of the support vectors; per call it reads the test batch and
 * targets from shared memory and writes its partial heaps and row sums into a shared workspace.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DualDAModel } from '../model/types.js';
import type { GramPrecision } from './gram-kernel.js';
import type { ExplainWorkspace } from './workspace.js';

/** Int32 slots of the control array: call generation, finished workers, started workers, start failure. */
export const CTRL_GEN = 0;
export const CTRL_DONE = 1;
export const CTRL_READY = 2;
export const CTRL_FAILED = 3;
export const CTRL_SLOTS = 4;

export interface ThreadInit {
  /** This worker's support vectors (a private copy), nSV × d. */
  svFeatures: Float32Array;
  /** Their α rows, nSV × K. */
  svAlpha: Float64Array;
  K: number;
  d: number;
  ctrl: Int32Array;
  port: MessagePort;
}

export interface ThreadTask {
  rows: number;
  /** Test rows, contiguous rows × d, in shared memory. */
  test: Float32Array;
  /** Shared workspace (targets filled by the caller). */
  ws: ExplainWorkspace;
  /** Shared rows × nSV_slice scores, 'dense' mode only. */
  dense: Float64Array | undefined;
  precision: GramPrecision;
  backend: 'auto' | 'js';
}

/** Reply on the worker's port: only failures are reported (success is the DONE counter). */
export interface ThreadFailure {
  error: string;
}

/**
 * A model restricted to support vectors [s, e): the arrays explainBatchInto reads are views, the
 * rest (ids, weights) are left empty because the kernel never reads them.
 */
export function sliceModel(model: DualDAModel, K: number, d: number, s: number, e: number): DualDAModel {
  return {
    svIndices: model.svIndices.subarray(s, e),
    svIds: [],
    svAlpha: model.svAlpha.subarray(s * K, e * K),
    svFeatures: model.svFeatures.subarray(s * d, e * d),
    svNorms: model.svNorms.subarray(s, e),
    weights: new Float64Array(0),
    bias: new Float64Array(0),
    C: model.C,
    classNames: [],
    diagnostics: {},
    modelHash: model.modelHash,
    datasetRevision: model.datasetRevision,
  };
}

/** A workspace whose arrays all live in one SharedArrayBuffer (so another thread fills it). */
export function createSharedWorkspace(maxRows: number, topK: number, blockSize: number): ExplainWorkspace {
  const f64 = maxRows * blockSize + 2 * maxRows * topK + 2 * maxRows;
  const i32 = 2 * maxRows * topK + 4 * maxRows;
  const sab = new SharedArrayBuffer(f64 * 8 + i32 * 4);
  let o = 0;
  const f = (n: number): Float64Array => {
    const a = new Float64Array(sab, o, n);
    o += n * 8;
    return a;
  };
  const i = (n: number): Int32Array => {
    const a = new Int32Array(sab, o, n);
    o += n * 4;
    return a;
  };
  return {
    maxRows,
    topK,
    blockSize,
    gram: f(maxRows * blockSize),
    proScore: f(maxRows * topK),
    oppScore: f(maxRows * topK),
    rowSum: f(maxRows),
    blockSum: f(maxRows),
    proIdx: i(maxRows * topK),
    oppIdx: i(maxRows * topK),
    proCount: i(maxRows),
    oppCount: i(maxRows),
    targets: i(maxRows),
    order: i(maxRows),
  };
}
