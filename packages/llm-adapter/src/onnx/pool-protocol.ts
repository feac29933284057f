/** Messages between `createOnnxPoolRunner` and its workers (pool-worker.ts). */

export interface PoolWorkerInit {
  onnxPath: string;
  intraOpThreads: number;
}

export type PoolRequest =
  | { type: 'run'; id: number; rows: number; seqLen: number; inputs: Record<string, BigInt64Array>; fetches: string[] }
  | { type: 'close' };

export type PoolResponse =
  | { type: 'ready'; inputNames: string[]; outputNames: string[] }
  | { type: 'result'; id: number; outputs: Record<string, Float32Array> }
  /** id -1: the session could not be created. */
  | { type: 'error'; id: number; message: string };
