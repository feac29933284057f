/**
 * A FeatureRunner over N worker threads, each with its own single-threaded ONNX Runtime CPU
 * session (Node only). Concurrent `run` calls go to the least busy worker, so batches run side by
 * side: data parallelism instead of ORT's intra-op threads, which synchronise on every operator —
 * on a small model (the demo's: 2 layers, hidden 128) each operator is a few microseconds and 2
 * intra-op threads measured slower than 1 on the shared 2-core box. Costs one session (the
 * weights) per worker. Workers are unref'd while idle, so they never keep a process alive.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidOptionError } from '@dualxda/core';
import { ModelLoadError } from '../errors.js';
import type { PaddedBatch } from '../tokenize/pad-batch.js';
import type { FeatureRunner, RunnerOutputs } from './feature-runner.js';
import type { PoolRequest, PoolResponse, PoolWorkerInit } from './pool-protocol.js';
import { POOL_WORKER_SOURCE } from './pool-worker.js';

/** A pooled ONNX CPU runner. */
export interface OnnxPoolRunner extends FeatureRunner {
  readonly kind: 'onnx';
  readonly executionProvider: 'cpu';
  readonly workers: number;
}

export interface PoolRunnerOptions {
  /** Worker threads (sessions). */
  workers: number;
  /** ONNX Runtime intra-op threads per worker. @default 1 */
  intraOpThreads?: number;
}

const OUTPUT_NAMES: Record<keyof RunnerOutputs, string> = { logits: 'logits', features: 'features', lastHiddenState: 'last_hidden_state' };
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/** Starts one worker (plain CommonJS, see pool-worker.ts) on the main thread's onnxruntime-node. */
function spawn(init: PoolWorkerInit): Worker {
  return new Worker(POOL_WORKER_SOURCE, { eval: true, workerData: { ...init, ort: createRequire(import.meta.url).resolve('onnxruntime-node') } });
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Opens `workers` sessions of `onnxPath` in worker threads.
 *
 * @throws ModelLoadError naming the graph when a worker cannot open it.
 * @example
 * const runner = await createOnnxPoolRunner(ckpt.onnxPath, { workers: 2 });
 * const [a, b] = await Promise.all([runner.run(batch1, ['features']), runner.run(batch2, ['features'])]);
 * await runner.release();
 */
export async function createOnnxPoolRunner(onnxPath: string, options: PoolRunnerOptions): Promise<OnnxPoolRunner> {
  const { workers } = options;
  const intraOpThreads = options.intraOpThreads ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new InvalidOptionError('workers', `must be an integer in 1..64, got ${workers}`);
  if (!Number.isInteger(intraOpThreads) || intraOpThreads < 1) throw new InvalidOptionError('intraOpThreads', `must be a positive integer, got ${intraOpThreads}`);
  const loadError = (message: string): ModelLoadError => new ModelLoadError(dirname(onnxPath), basename(onnxPath), `ONNX Runtime worker could not load the graph (${message})`);
  const pending = new Map<number, { resolve: (o: Record<string, Float32Array>) => void; reject: (e: Error) => void; slot: Slot }>();
  const slots: Slot[] = [];
  let names: { inputNames: string[]; outputNames: string[] } | null = null;
  try {
    await Promise.all(
      Array.from({ length: workers }, () => {
        const worker = spawn({ onnxPath, intraOpThreads });
        const slot: Slot = { worker, busy: 0 };
        slots.push(slot);
        return new Promise<void>((resolve, reject) => {
          worker.on('message', (m: PoolResponse) => {
            if (m.type === 'ready') {
              names ??= { inputNames: m.inputNames, outputNames: m.outputNames };
              worker.unref();
              resolve();
            } else if (m.type === 'error' && m.id === -1) reject(loadError(m.message));
            else {
              const p = pending.get(m.id);
              if (p === undefined) return;
              pending.delete(m.id);
              if (--p.slot.busy === 0) p.slot.worker.unref();
              if (m.type === 'result') p.resolve(m.outputs);
              else p.reject(new InvalidOptionError('onnx output', m.message));
            }
          });
          worker.on('error', (e) => {
            reject(loadError(String(e.message)));
            for (const [id, p] of pending) {
              if (p.slot !== slot) continue;
              pending.delete(id);
              p.reject(e);
            }
          });
        });
      }),
    );
  } catch (e) {
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw e;
  }
  const { inputNames, outputNames } = names as unknown as { inputNames: string[]; outputNames: string[] };
  const unknown = inputNames.filter((n) => !KNOWN_INPUTS.has(n));
  if (unknown.length > 0) {
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw new ModelLoadError(dirname(onnxPath), basename(onnxPath), `unsupported graph inputs: ${unknown.join(', ')}`);
  }
  let nextId = 0;
  return {
    kind: 'onnx',
    executionProvider: 'cpu',
    workers,
    inputNames,
    outputNames,
    run(batch: PaddedBatch, want: readonly (keyof RunnerOutputs)[]): Promise<RunnerOutputs> {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      const all: Record<string, BigInt64Array> = { input_ids: batch.inputIds, attention_mask: batch.attentionMask, token_type_ids: batch.tokenTypeIds };
      const inputs: Record<string, BigInt64Array> = {};
      for (const n of inputNames) inputs[n] = all[n] as BigInt64Array;
      const fetches = want.map((k) => OUTPUT_NAMES[k]).filter((n) => outputNames.includes(n));
      return new Promise<Record<string, Float32Array>>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot });
        if (slot.busy++ === 0) slot.worker.ref();
        const msg: PoolRequest = { type: 'run', id, rows: batch.rows, seqLen: batch.seqLen, inputs, fetches };
        slot.worker.postMessage(msg); // inputs are copied: the caller keeps using the batch
      }).then((o) => ({ logits: o[OUTPUT_NAMES.logits] ?? null, features: o[OUTPUT_NAMES.features] ?? null, lastHiddenState: o[OUTPUT_NAMES.lastHiddenState] ?? null }));
    },
    async release() {
      // Each worker releases its session and exits; one that does not within 5 s is terminated.
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => void s.worker.terminate(), 5000);
              s.worker.once('exit', () => (clearTimeout(timer), resolve()));
              s.worker.postMessage({ type: 'close' } satisfies PoolRequest);
            }),
        ),
      );
    },
  };
}
