/**
 * Builds the server's lazy caches in the background after start: the test and training search
 * indexes (async, chunk by chunk), the sort orders of both lists and the overview's ranking. At
 * 1M rows these cost seconds (index) and hundreds of milliseconds (a sort); without the warm-up
 * the first search, the first sorted page and the first overview each paid for them on the
 * request path. Steps run one at a time with the event loop let through between them, through the
 * same handlers the requests use, so what is cached is exactly what a request would cache.
 */
import { globalView } from './api-summary.js';
import { listTests, testIndex } from './api-tests.js';
import { listTrain, trainIndex } from './api-train.js';
import { TEST_SORT_KEYS } from './list-query.js';
import type { ServiceState } from './service-state.js';

/** Progress of the warm-up (for benches and logs). */
export interface WarmUpReport {
  /** Milliseconds each step took. */
  stepsMs: Record<string, number>;
  /** The whole warm-up. */
  totalMs: number;
}

const yieldToRequests = (): Promise<void> => new Promise((resolveNext) => setImmediate(resolveNext));

/** Runs the warm-up; a failing step is skipped (the request that needs it reports the error). */
export async function warmUp(state: ServiceState, isClosed: () => boolean = () => false): Promise<WarmUpReport> {
  const t0 = performance.now();
  const stepsMs: Record<string, number> = {};
  const steps: [string, () => Promise<unknown> | unknown][] = [
    ['testIndex', () => testIndex(state)],
    ['trainIndex', () => trainIndex(state)],
    ...TEST_SORT_KEYS.filter((k) => k !== 'row').map((k): [string, () => Promise<unknown>] => [`sort:${k}`, () => listTests(state, { sort: k, offset: 0, limit: 1 })]),
    ['sort:self-influence', () => listTrain(state, { sort: 'self-influence', offset: 0, limit: 1 })],
    ['global', () => globalView(state, 50)],
  ];
  for (const [name, step] of steps) {
    await yieldToRequests();
    if (isClosed()) break;
    const s = performance.now();
    try {
      await step();
    } catch {
      // Reported by the request that needs this cache.
    }
    stepsMs[name] = performance.now() - s;
  }
  return { stepsMs, totalMs: performance.now() - t0 };
}
