/**
 * Waiting for a heatmap pair: `/api/xda` answers 202 with the job's progress (queued, place in the
 * queue, or computing) when a pair is not done in time, and the page asks again. Stopping (leaving
 * the page) ends the polling, so the server drops the job once nobody waits for it.
 */
import type { XdaResponse } from '../lib/api-types.js';

/** The 202 body of a pair still queued or computing (XdaPending in packages/cli/src/serve/api-xda.ts). */
export interface XdaProgress {
  status: 'queued' | 'running';
  /** 1-based place in the queue; 0 once running. */
  position: number;
  elapsedMs: number;
  pollAfterMs?: number;
}

/** True for a progress answer rather than a pair. */
export function isXdaProgress(body: unknown): body is XdaProgress {
  return typeof body === 'object' && body !== null && !('test' in body) && 'status' in body && ((body as { status: unknown }).status === 'queued' || (body as { status: unknown }).status === 'running');
}

/** Plain words for a progress answer. */
export function progressText(p: XdaProgress): string {
  const s = (p.elapsedMs / 1000).toFixed(0);
  return p.status === 'queued' ? `Queued for the XDA workers (place ${p.position} in line, ${s} s so far)…` : `Computing the heatmaps (${s} s so far)…`;
}

/** Poll interval bounds: the server's hint, kept sane. */
const MIN_POLL_MS = 200;
const MAX_POLL_MS = 5000;

/**
 * Asks `fetchOnce` until it returns a pair, reporting each progress answer; rejects with an
 * AbortError when `signal` aborts.
 */
export async function pollXda(fetchOnce: () => Promise<unknown>, onProgress: (p: XdaProgress) => void, signal: AbortSignal, sleep = (ms: number, s: AbortSignal) => abortableSleep(ms, s)): Promise<XdaResponse> {
  for (;;) {
    signal.throwIfAborted();
    const body = await fetchOnce();
    signal.throwIfAborted();
    if (!isXdaProgress(body)) return body as XdaResponse;
    onProgress(body);
    await sleep(Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, body.pollAfterMs ?? 1000)), signal);
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
