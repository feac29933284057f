/**
 * The `/api/xda` job queue: one job per key (test:train:class:mode) however many requests ask for
 * it, at most `maxJobs` queued or running (beyond: 503 + Retry-After), at most the provider's
 * `concurrency` running, FIFO. A request waits up to its `wait`; if the pair is not done by then
 * it gets the job's progress (queued + position, or running, and the elapsed time) and polls again.
 * A job nobody waits for or polled within `orphanMs` is dropped: taken out of the queue, or, when
 * already running (a pass cannot be interrupted), left to finish into the caches.
 */
import type { XdaPair } from '@dualxda/core';
import { HttpError } from './http-error.js';
import type { XdaDiskCache } from './xda-disk-cache.js';

/** Options of the job queue. Defaults: `DEFAULT_XDA_JOB_OPTIONS`. */
export interface XdaJobOptions {
  /** Jobs queued or running at once; more get 503. @default 64 */
  maxJobs?: number;
  /** A job with no waiting request and no poll for this long is dropped. @default 5000 */
  orphanMs?: number;
  /** Computed pairs kept in memory. @default 64 */
  memoryEntries?: number;
  /** Pairs on disk (xda-disk-cache.ts); absent = memory only. */
  disk?: XdaDiskCache;
}

/** Documented defaults. */
export const DEFAULT_XDA_JOB_OPTIONS = { maxJobs: 64, orphanMs: 5000, memoryEntries: 64 } as const;

/** What a request gets when the pair is not done within its wait. */
export interface XdaJobProgress {
  status: 'queued' | 'running';
  /** 1-based place in the queue; 0 once running. */
  position: number;
  /** Since the job was created. */
  elapsedMs: number;
}

interface Job {
  key: string;
  state: 'queued' | 'running';
  created: number;
  waiters: number;
  lastSeen: number;
  controller: AbortController;
  done: Promise<XdaPair>;
  start?: () => void;
}

/** The queue's interface for `api-xda.ts`. */
export interface XdaJobs {
  /** The pair when done within `waitMs`, else the job's progress; `compute` runs once per key. */
  request(key: string, compute: (signal: AbortSignal) => Promise<XdaPair>, waitMs: number, signal?: AbortSignal): Promise<{ pair: XdaPair } | { progress: XdaJobProgress }>;
  /** Jobs queued or running (tests, diagnostics). */
  pending(): number;
}

/**
 * @example
 * const jobs = createXdaJobs(2, { maxJobs: 64 });
 * const r = await jobs.request('4:17:1:', (signal) => provider(req, signal), 100);
 */
export function createXdaJobs(concurrency: number, options: XdaJobOptions = {}): XdaJobs {
  const maxJobs = options.maxJobs ?? DEFAULT_XDA_JOB_OPTIONS.maxJobs;
  const orphanMs = options.orphanMs ?? DEFAULT_XDA_JOB_OPTIONS.orphanMs;
  const memoryEntries = options.memoryEntries ?? DEFAULT_XDA_JOB_OPTIONS.memoryEntries;
  const jobs = new Map<string, Job>();
  const queue: Job[] = [];
  const memory = new Map<string, XdaPair>();
  let running = 0;

  const remember = (key: string, pair: XdaPair): void => {
    memory.delete(key);
    memory.set(key, pair);
    const oldest = memory.keys().next();
    if (memory.size > memoryEntries && oldest.done !== true) memory.delete(oldest.value);
  };
  const pump = (): void => {
    while (running < Math.max(1, concurrency) && queue.length > 0) {
      const job = queue.shift() as Job;
      running++;
      job.state = 'running';
      job.start?.();
    }
  };
  const drop = (job: Job): void => {
    if (job.waiters > 0 || Date.now() - job.lastSeen < orphanMs || jobs.get(job.key) !== job) return;
    if (job.state !== 'queued') return;
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
    jobs.delete(job.key);
    job.controller.abort(new Error('no one is waiting for this pair any more'));
  };
  const release = (job: Job): void => {
    job.waiters--;
    job.lastSeen = Date.now();
    if (job.waiters === 0) setTimeout(() => drop(job), orphanMs + 1).unref();
  };
  const create = (key: string, compute: (signal: AbortSignal) => Promise<XdaPair>): Job => {
    if (jobs.size >= maxJobs) throw new HttpError(503, `the XDA queue is full (${maxJobs} pairs queued or computing); retry in a few seconds`, { 'retry-after': '5' });
    const controller = new AbortController();
    const job: Job = { key, state: 'queued', created: Date.now(), waiters: 0, lastSeen: Date.now(), controller, done: Promise.resolve(undefined as unknown as XdaPair) };
    job.done = (async () => {
      const hit = await options.disk?.read(key);
      if (hit !== undefined) return hit;
      await new Promise<void>((resolveStart, rejectStart) => {
        // Dropped while its disk lookup ran: never enters the queue.
        if (controller.signal.aborted) return rejectStart(controller.signal.reason as Error);
        job.start = resolveStart;
        controller.signal.addEventListener('abort', () => rejectStart(controller.signal.reason as Error), { once: true });
        queue.push(job);
        pump();
      });
      try {
        const pair = await compute(controller.signal);
        await options.disk?.write(key, pair);
        return pair;
      } finally {
        running--;
        pump();
      }
    })();
    job.done.then((pair) => remember(key, pair), () => undefined).finally(() => {
      if (jobs.get(key) === job) jobs.delete(key);
    });
    jobs.set(key, job);
    return job;
  };

  return {
    pending: () => jobs.size,
    async request(key, compute, waitMs, signal) {
      const cached = memory.get(key);
      if (cached !== undefined) return { pair: cached };
      const job = jobs.get(key) ?? create(key, compute);
      job.waiters++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      try {
        const waited = await Promise.race([
          job.done.then((pair) => ({ pair })),
          new Promise<undefined>((resolveWait) => {
            timer = setTimeout(() => resolveWait(undefined), waitMs);
            onAbort = () => resolveWait(undefined);
            signal?.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
        if (waited !== undefined) return waited;
        if (signal?.aborted === true) throw new HttpError(499, 'client closed the request');
        return { progress: { status: job.state, position: job.state === 'queued' ? Math.max(1, queue.indexOf(job) + 1) : 0, elapsedMs: Date.now() - job.created } };
      } finally {
        clearTimeout(timer);
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
        release(job);
      }
    },
  };
}
