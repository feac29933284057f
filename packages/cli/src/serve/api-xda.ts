/** `/api/xda?test=&train=[&class=][&mode=]`: token heatmaps of a pair with their budget, on demand, kept in a small LRU. */
import type { TokenHeatmap, XdaPair, XdaResponse } from '@dualxda/core';
import { NOT_SUPPORT_VECTOR_NOTE } from '../steps/pair-alpha.js';
import { HttpError } from './http-error.js';
import { testTexts, type ServiceState } from './service-state.js';
import { svPosition } from './surrogate-cache.js';

/** Pairs kept in memory (each a few KB). */
const CACHE_SIZE = 64;
/** Tokens returned per side, so a pathological document cannot blow up the response. */
export const MAX_TOKENS = 4096;

const caches = new WeakMap<ServiceState, Map<string, Promise<XdaPair>>>();

/**
 * Heatmaps of (test row, train row) for class `target` (default: the model's prediction for the
 * test row), i.e. of the attribution alpha[train, target] · <f_test, f_train>. A training row that
 * is not a support vector for that class has attribution 0: the answer says so (`supportVector:
 * false`, attribution 0, a note), and its heatmaps are kernel-only (`decomposes: 'kernel'`), as in
 * `dualxda xda`.
 */
export async function xdaPair(state: ServiceState, testRow: number, trainRow: number, cls?: number, mode?: 'per-position' | 'word'): Promise<XdaResponse> {
  const provider = state.data.xda;
  if (provider === undefined) throw new HttpError(404, `XDA heatmaps are unavailable: ${state.data.xdaUnavailableReason ?? 'no model checkpoint configured'} (start the server with --model DIR)`);
  if (testRow >= state.testLabels.length) throw new HttpError(404, `test row ${testRow} does not exist (the test store has ${state.testLabels.length} rows)`);
  if (trainRow >= state.trainLabels.length) throw new HttpError(404, `training row ${trainRow} does not exist (the training store has ${state.trainLabels.length} rows)`);
  const target = cls ?? (state.testPredictions[testRow] as number);
  const j = svPosition(state.sv.indices, trainRow);
  const alpha = j < 0 ? 0 : (state.sv.alpha[j * state.classes + target] as number);
  let cache = caches.get(state);
  if (cache === undefined) caches.set(state, (cache = new Map()));
  const key = `${testRow}:${trainRow}:${target}:${mode ?? ''}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const [[testText], [trainText]] = await Promise.all([testTexts(state, [testRow]), state.data.train.readTexts([trainRow])]);
      return provider({ testText: testText ?? '', trainText: trainText ?? '', target, alpha, ...(mode === undefined ? {} : { mode }) });
    })();
    cache.set(key, pending);
    const oldest = cache.keys().next();
    if (cache.size > CACHE_SIZE && oldest.done !== true) cache.delete(oldest.value);
    // A failed computation must not stay cached.
    pending.catch(() => cache.delete(key));
  }
  const pair = await pending;
  const cut = (h: TokenHeatmap): TokenHeatmap => ({ tokens: h.tokens.slice(0, MAX_TOKENS), scores: h.scores.slice(0, MAX_TOKENS) });
  const supportVector = alpha !== 0;
  // Whatever the provider did, a non-support vector's attribution is 0 and the answer says why.
  const notes = supportVector || pair.notes.includes(NOT_SUPPORT_VECTOR_NOTE) ? pair.notes : [NOT_SUPPORT_VECTOR_NOTE, ...pair.notes];
  return { ...pair, test: cut(pair.test), train: cut(pair.train), attribution: supportVector ? pair.attribution : 0, notes, testRow, trainRow, target, alpha, supportVector };
}
