/**
 * `/api/xda?test=&train=[&class=][&mode=][&wait=]`: token heatmaps of a pair with their budget,
 * computed by the XDA provider (a worker pool under `dualxda serve`) through the job queue
 * (xda-jobs.ts): never on the request path, deduplicated, bounded, dropped when nobody waits.
 * The request waits up to `wait` ms (default `DEFAULT_XDA_WAIT_MS`); a pair not done by then is
 * answered 202 with its progress, and the page asks again (same URL) to get it.
 */
import type { TokenHeatmap, XdaPair, XdaResponse } from '@dualxda/core';
import { NOT_SUPPORT_VECTOR_NOTE } from '../steps/pair-alpha.js';
import { ApiReply } from './api-reply.js';
import { HttpError } from './http-error.js';
import { testTexts, type ServiceState } from './service-state.js';
import { svPosition } from './surrogate-cache.js';
import { createXdaJobs, type XdaJobProgress, type XdaJobs } from './xda-jobs.js';
import { createHash } from 'node:crypto';
import { textTarget } from './api-text.js';
import { isTokenStore, tokenRowInput } from '../steps/token-rows.js';

/** Tokens returned per side, so a pathological document cannot blow up the response. */
export const MAX_TOKENS = 4096;
/** Longest `?wait=` (below the server's 30 s request timeout). */
export const MAX_XDA_WAIT_MS = 25_000;
/** `wait` when absent: hold the request (the event loop stays free) so plain clients get the pair. */
export const DEFAULT_XDA_WAIT_MS = MAX_XDA_WAIT_MS;
/** Token rows read around a token row to rebuild its text (the XDA worker cuts to its own maximum). */
const TOKEN_CONTEXT_ROWS = 512;

/** The 202 body of a pair still queued or computing. */
export interface XdaPending extends XdaJobProgress {
  /** null for a typed text. */
  testRow: number | null;
  trainRow: number;
  target: number;
  /** Ask again after this long (also the Retry-After header, in whole seconds). */
  pollAfterMs: number;
}

const queues = new WeakMap<ServiceState, XdaJobs>();

function jobsOf(state: ServiceState): XdaJobs {
  let jobs = queues.get(state);
  if (jobs === undefined) queues.set(state, (jobs = createXdaJobs(state.data.xda?.concurrency ?? 1, state.data.xdaJobs)));
  return jobs;
}

/**
 * Heatmaps of (test row, train row) for class `target` (default: the model's prediction for the
 * test row), i.e. of the attribution alpha[train, target] · <f_test, f_train>. A training row that
 * is not a support vector for that class has attribution 0: the answer says so (`supportVector:
 * false`, attribution 0, a note), and its heatmaps are kernel-only (`decomposes: 'kernel'`), as in
 * `dualxda xda`. `test` is a test row or a typed text (`{ text }`, the custom-text box; its
 * default class is the network's prediction for it). Not done within `waitMs`: an `ApiReply` 202
 * with `XdaPending`.
 */
export async function xdaPair(state: ServiceState, test: number | { text: string }, trainRow: number, cls?: number, mode?: 'per-position' | 'word', waitMs = DEFAULT_XDA_WAIT_MS, signal?: AbortSignal): Promise<XdaResponse | ApiReply> {
  const provider = state.data.xda;
  if (provider === undefined) throw new HttpError(404, `XDA heatmaps are unavailable: ${state.data.xdaUnavailableReason ?? 'no model checkpoint configured'} (start the server with --model DIR)`);
  const testRow = typeof test === 'number' ? test : null;
  const tokenRows = isTokenStore(state.data.train.store);
  if (tokenRows && testRow === null) throw new HttpError(400, 'this is a token-head store: XDA explains a pair of token rows, so pick a test token row (a typed text has one row per token)');
  if (testRow !== null && testRow >= state.testLabels.length) throw new HttpError(404, `test row ${testRow} does not exist (the test store has ${state.testLabels.length} rows)`);
  if (trainRow >= state.trainLabels.length) throw new HttpError(404, `training row ${trainRow} does not exist (the training store has ${state.trainLabels.length} rows)`);
  const target = typeof test === 'number' ? (cls ?? (state.testPredictions[test] as number)) : await textTarget(state, test.text, cls);
  const j = svPosition(state.sv.indices, trainRow);
  const alpha = j < 0 ? 0 : (state.sv.alpha[j * state.classes + target] as number);
  // A typed text is keyed by its hash: the key names the disk cache entry too.
  const testKey = typeof test === 'number' ? String(test) : `text-${createHash('sha256').update(test.text).digest('hex').slice(0, 32)}`;
  const key = `${testKey}:${trainRow}:${target}:${mode ?? ''}`;
  const compute = async (jobSignal: AbortSignal): Promise<XdaPair> => {
    if (tokenRows && testRow !== null) {
      const { train, test: testSource } = state.data;
      const rows = (s: number, e: number) => Array.from({ length: e - s }, (_, i) => s + i);
      const [testTokens, trainTokens] = await Promise.all([
        tokenRowInput(testSource.store, testRow, TOKEN_CONTEXT_ROWS, (s, e) => testSource.readTexts(rows(s, e))),
        tokenRowInput(train.store, trainRow, TOKEN_CONTEXT_ROWS, (s, e) => train.readTexts(rows(s, e))),
      ]);
      return provider({ testText: '', trainText: '', testTokens: { ...testTokens, tokens: [...testTokens.tokens] }, trainTokens: { ...trainTokens, tokens: [...trainTokens.tokens] }, target, alpha, ...(mode === undefined ? {} : { mode }) }, jobSignal);
    }
    const [[testText], [trainText]] = await Promise.all([typeof test === 'number' ? testTexts(state, [test]) : [test.text], state.data.train.readTexts([trainRow])]);
    return provider({ testText: testText ?? '', trainText: trainText ?? '', target, alpha, ...(mode === undefined ? {} : { mode }) }, jobSignal);
  };
  const answer = await jobsOf(state).request(key, compute, waitMs, signal);
  if ('progress' in answer) {
    const pollAfterMs = 1000;
    const body: XdaPending = { ...answer.progress, testRow, trainRow, target, pollAfterMs };
    return new ApiReply(202, body, { 'retry-after': String(Math.ceil(pollAfterMs / 1000)) });
  }
  const pair = answer.pair;
  const cut = (h: TokenHeatmap): TokenHeatmap => ({ tokens: h.tokens.slice(0, MAX_TOKENS), scores: h.scores.slice(0, MAX_TOKENS) });
  const supportVector = alpha !== 0;
  // Whatever the provider did, a non-support vector's attribution is 0 and the answer says why.
  const notes = supportVector || pair.notes.includes(NOT_SUPPORT_VECTOR_NOTE) ? pair.notes : [NOT_SUPPORT_VECTOR_NOTE, ...pair.notes];
  const tokenRowRefs = tokenRows && testRow !== null ? { tokenRows: { test: await tokenRowRef(state.data.test.store, testRow), train: await tokenRowRef(state.data.train.store, trainRow) } } : {};
  return { ...pair, test: cut(pair.test), train: cut(pair.train), attribution: supportVector ? pair.attribution : 0, notes, testRow, trainRow, target, alpha, supportVector, ...tokenRowRefs };
}

/** A token row's id and its position in its text (the heatmap's token index). */
async function tokenRowRef(store: ServiceState['data']['train']['store'], row: number): Promise<{ id: string; position: number }> {
  const r = await store.readRows(row, row + 1);
  return { id: r.ids[0] ?? String(row), position: r.tokenOffsets?.[1] ?? 0 };
}
