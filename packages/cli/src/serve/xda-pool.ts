/**
 * A pool of `worker_threads` that run XDA relevance passes off the main thread: a pass is seconds
 * of synchronous tfjs work, and on the request path it froze every other endpoint (issue 15).
 * Each worker loads its engine once; a task goes to the first idle worker, else waits in a FIFO.
 * The pool runs from the TypeScript sources (tsx, vitest) and from dist/ alike: the worker entry is
 * resolved next to this module with this module's extension, and a `.ts` entry gets tsx's loader
 * registered inside the worker (a loader registered in the main thread does not reach workers).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { XdaPair } from '@dualxda/core';
import { entryBeside, workerBootstrap } from '../lib/worker-bootstrap.js';
import type { XdaPairRequest, XdaProvider } from './types.js';

/** Options of `createXdaPool`. Defaults: `DEFAULT_XDA_POOL_OPTIONS`. */
export interface XdaPoolOptions {
  /** Worker threads. @default min(2, cores - 1), at least 1 */
  size?: number;
  /** Module the workers run (`xda-worker.ts` protocol). @default `./xda-worker.{ts,js}` beside this file */
  entry?: URL;
  /** Passed to every worker as `workerData` (e.g. the checkpoint directory). */
  workerData?: unknown;
}

/** Documented defaults (`size` depends on the machine). */
export const DEFAULT_XDA_POOL_OPTIONS = { size: (): number => Math.max(1, Math.min(2, availableParallelism() - 1)) } as const;

/** Messages between the pool and a worker (xda-worker.ts). */
export type XdaWorkerReply = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'done'; id: number; pair: XdaPair } | { type: 'failed'; id: number; message: string };

interface Task {
  id: number;
  req: XdaPairRequest;
  resolve: (pair: XdaPair) => void;
  reject: (err: Error) => void;
}

/** A running pool: an `XdaProvider` that also says its concurrency and can be closed. */
export interface XdaPool {
  provider: XdaProvider;
  size: number;
  close(): Promise<void>;
}

/**
 * Starts `size` workers and resolves once all have loaded their engine (rejects with the first
 * worker's load error).
 *
 * @example
 * const pool = await createXdaPool({ workerData: { modelDir: 'ckpt/' } });
 * const pair = await pool.provider({ testText: 'a', trainText: 'b', target: 0, alpha: 0.3 });
 * await pool.close();
 */
export async function createXdaPool(options: XdaPoolOptions = {}): Promise<XdaPool> {
  const size = options.size ?? DEFAULT_XDA_POOL_OPTIONS.size();
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`XDA pool size must be an integer >= 1, got ${size}`);
  const code = workerBootstrap(options.entry ?? entryBeside(import.meta.url, 'xda-worker'));
  const queue: Task[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Task>();
  let nextId = 0;
  let closed = false;
  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const task = queue.shift() as Task;
      running.set(worker, task);
      worker.postMessage({ id: task.id, req: task.req });
    }
  };
  const workers = await Promise.all(
    Array.from({ length: size }, () =>
      new Promise<Worker>((resolveReady, rejectReady) => {
        const worker = new Worker(code, { eval: true, workerData: options.workerData });
        worker.on('message', (msg: XdaWorkerReply) => {
          if (msg.type === 'ready') {
            // Once loaded, workers never keep the process alive (before, they must: a server that
            // awaits its pool has nothing else on the event loop).
            worker.unref();
            idle.push(worker);
            resolveReady(worker);
          } else if (msg.type === 'fatal') rejectReady(new Error(`XDA worker failed to start: ${msg.message}`));
          else {
            const task = running.get(worker);
            running.delete(worker);
            idle.push(worker);
            if (task !== undefined) {
              if (msg.type === 'done') task.resolve(msg.pair);
              else task.reject(new Error(msg.message));
            }
          }
          pump();
        });
        worker.on('error', (err) => {
          rejectReady(err);
          running.get(worker)?.reject(err);
          running.delete(worker);
        });
      }),
    ),
  ).catch(async (err: unknown) => {
    closed = true;
    throw err;
  });
  const provider: XdaProvider = (req, signal) =>
    new Promise<XdaPair>((resolveTask, rejectTask) => {
      if (closed) return rejectTask(new Error('the XDA pool is closed'));
      if (signal?.aborted === true) return rejectTask(signal.reason as Error);
      const task: Task = { id: nextId++, req, resolve: resolveTask, reject: rejectTask };
      queue.push(task);
      // A queued task whose caller gave up leaves the queue; a running one cannot be interrupted
      // (the pass is synchronous in the worker), its result simply has no one waiting.
      signal?.addEventListener('abort', () => {
        const i = queue.indexOf(task);
        if (i >= 0) queue.splice(i, 1);
        rejectTask(signal.reason as Error);
      }, { once: true });
      pump();
    });
  provider.concurrency = size;
  return {
    provider,
    size,
    close: async () => {
      closed = true;
      for (const t of queue.splice(0)) t.reject(new Error('the XDA pool is closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
