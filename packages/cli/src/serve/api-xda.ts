/** `/api/xda?test=&train=`: token heatmaps of a pair, computed on demand and kept in a small LRU. */
import type { TokenHeatmap, XdaPair, XdaResponse } from '@dualxda/core';
import { HttpError } from './http-error.js';
import { testTexts, type ServiceState } from './service-state.js';
import { svPosition } from './surrogate-cache.js';

/** Pairs kept in memory (each a few KB). */
const CACHE_SIZE = 64;
/** Tokens returned per side, so a pathological document cannot blow up the response. */
export const MAX_TOKENS = 4096;

const caches = new WeakMap<ServiceState, Map<string, Promise<XdaPair>>>();

/** Heatmaps of (test row, train row) for the model's predicted class of the test row. */
export async function xdaPair(state: ServiceState, testRow: number, trainRow: number): Promise<XdaResponse> {
  const provider = state.data.xda;
  if (provider === undefined) throw new HttpError(404, `XDA heatmaps are unavailable: ${state.data.xdaUnavailableReason ?? 'no model checkpoint configured'} (start the server with --model DIR)`);
  if (testRow >= state.testLabels.length) throw new HttpError(404, `test row ${testRow} does not exist (the test store has ${state.testLabels.length} rows)`);
  if (trainRow >= state.trainLabels.length) throw new HttpError(404, `training row ${trainRow} does not exist (the training store has ${state.trainLabels.length} rows)`);
  const target = state.testPredictions[testRow];
  const j = svPosition(state.sv.indices, trainRow);
  const alpha = j < 0 ? 0 : state.sv.alpha[j * state.classes + target];
  let cache = caches.get(state);
  if (cache === undefined) caches.set(state, (cache = new Map()));
  const key = `${testRow}:${trainRow}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const [[testText], [trainText]] = await Promise.all([testTexts(state, [testRow]), state.data.train.readTexts([trainRow])]);
      return provider({ testText: testText ?? '', trainText: trainText ?? '', target, alpha });
    })();
    cache.set(key, pending);
    const oldest = cache.keys().next();
    if (cache.size > CACHE_SIZE && oldest.done !== true) cache.delete(oldest.value);
    // A failed computation must not stay cached.
    pending.catch(() => cache.delete(key));
  }
  const pair = await pending;
  const cut = (h: TokenHeatmap): TokenHeatmap => ({ tokens: h.tokens.slice(0, MAX_TOKENS), scores: h.scores.slice(0, MAX_TOKENS) });
  return { method: pair.method, test: cut(pair.test), train: cut(pair.train), testRow, trainRow, target, alpha };
}
