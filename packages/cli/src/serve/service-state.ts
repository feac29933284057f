/**
 * The state the API handlers share, built once at startup: labels and predictions of the test set,
 * training labels (n int32; 4 MB at 1M rows) and the support-vector cache. No feature matrix is
 * loaded whole; test features and texts are read by row per request.
 */
import { DualxdaError, type GramKernel, type TestAgreement } from '@dualxda/core';
import { createListCaches, type ListCaches } from './list-state.js';
import { indexSnippet } from './search-index.js';
import type { TestMetrics } from './test-sort.js';
import { argmax } from './select.js';
import { loadSupportVectors, type SupportVectorCache } from './surrogate-cache.js';
import { testAgreement } from './test-agreement.js';
import type { DashboardData } from './types.js';

/** Shared, read-only state of a running dashboard server. */
export interface ServiceState {
  data: DashboardData;
  classNames: string[];
  classes: number;
  trainLabels: Int32Array;
  testLabels: Int32Array;
  /** Original model logits of the test set (rows x K). */
  testLogits: Float32Array;
  /** argmax of the model logits per test row: the explained target (dualda.md 1.6). */
  testPredictions: Int32Array;
  sv: SupportVectorCache;
  /** Model-vs-surrogate agreement on the test set. */
  agreement: TestAgreement;
  /** Lower-cased `id\0text` of every test row, loaded on the first punctuation search when texts are held. */
  searchTexts?: Promise<string[]>;
  /** Margin, loss and confidence per test row (test-sort.ts), computed on the first list request. */
  testMetrics?: TestMetrics;
  /** Search indexes, sort orders and filtered lists, built lazily (list-state.ts). */
  lists: ListCaches;
  /** Test features of the rows the training page scans (influence.ts) when all test features are not held. */
  influenceFeatures?: Promise<Float32Array>;
  /** All test features (rows x dim), once loaded; only when they fit TEST_FEATURE_CACHE_BYTES. */
  testFeatures?: Float32Array;
  /** The background load of `testFeatures`. */
  testFeaturesLoad?: Promise<Float32Array>;
  /** WebAssembly Gram kernel over the scanned test rows (influence.ts); null where unavailable. */
  influenceKernel?: GramKernel | null;
  /** Scanned test rows per predicted class (influence.ts). */
  influenceRowsByClass?: Int32Array[];
  /** Recent training-page influence results per support vector (influence.ts). */
  influenceCache?: Map<number, { pos: Int32Array; neg: Int32Array; scores: Float64Array }>;
  /** All test texts, held when the test set has at most `MAX_CACHED_TEST_TEXTS` rows. */
  testTexts?: Promise<string[]>;
}

/** Test sets up to this size keep their texts in memory (search and the test page need them). */
export const MAX_CACHED_TEST_TEXTS = 200_000;

/** Texts of test rows: from the in-memory copy when there is one, else read from the store. */
export async function testTexts(state: ServiceState, rows: readonly number[]): Promise<string[]> {
  if (state.testTexts === undefined) return state.data.test.readTexts(rows);
  const all = await state.testTexts;
  return rows.map((r) => all[r] ?? '');
}

/**
 * Test features are held when rows x dim float32 fit this many bytes (1M x 64 = 244 MiB): a test
 * page then reads no feature chunk (a 4,096-row chunk decode cost 28 ms p50 at 1M test rows).
 */
export const TEST_FEATURE_CACHE_BYTES = 256 * 1024 * 1024;

/** Starts (once) the chunk-by-chunk load of all test features; undefined when they exceed the budget. */
export function loadTestFeatures(state: ServiceState): Promise<Float32Array> | undefined {
  const store = state.data.test.store;
  if (store.rows * store.dim * 4 > TEST_FEATURE_CACHE_BYTES) return undefined;
  state.testFeaturesLoad ??= (async () => {
    const out = new Float32Array(store.rows * store.dim);
    for await (const block of store.iterChunks({ reuseBuffers: true })) out.set(block.features.subarray(0, block.rows * store.dim), block.start * store.dim);
    state.testFeatures = out;
    return out;
  })();
  state.testFeaturesLoad.catch(() => (state.testFeaturesLoad = undefined));
  return state.testFeaturesLoad;
}

/** Snippets (SNIPPET_CHARS) of test rows: from held texts, else the search index when built, else read from the store. */
export async function testSnippets(state: ServiceState, rows: readonly number[]): Promise<string[]> {
  const index = state.lists.testIndex.ready;
  if (state.testTexts === undefined && index !== undefined) return rows.map((r) => indexSnippet(index, r));
  return (await testTexts(state, rows)).map((s) => clip(s, SNIPPET_CHARS));
}

/** Cuts `s` to `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Longest text snippet a list row carries. */
export const SNIPPET_CHARS = 240;

/** Loads and cross-checks everything the handlers need. */
export async function createServiceState(data: DashboardData): Promise<ServiceState> {
  const { train, test, model } = data;
  const K = model.classNames.length;
  if (train.store.dim !== test.store.dim) {
    throw new DualxdaError('StoreFormatError', `test store has dim ${test.store.dim}, training store has ${train.store.dim}: they were not extracted from the same layer`);
  }
  const classNames = model.classNames;
  const [trainLabels, testLabels, testLogits] = await Promise.all([train.store.readLabels(), test.store.readLabels(), test.readLogits()]);
  const sv = await loadSupportVectors(train, model, trainLabels);
  if (testLogits.length !== test.store.rows * K) {
    throw new DualxdaError('StoreFormatError', `test logits have ${testLogits.length} values, expected rows x K = ${test.store.rows} x ${K}`);
  }
  const testPredictions = new Int32Array(test.store.rows);
  for (let t = 0; t < test.store.rows; t++) testPredictions[t] = argmax(testLogits, t * K, K);
  const agreement = await testAgreement(test, testLogits, sv);
  const state: ServiceState = { data, classNames, classes: K, trainLabels, testLabels, testLogits, testPredictions, sv, agreement, lists: createListCaches() };
  if (test.store.rows <= MAX_CACHED_TEST_TEXTS) {
    state.testTexts = test.readTexts(Array.from({ length: test.store.rows }, (_, t) => t));
    await state.testTexts;
  }
  // In the background: requests keep reading rows from the store until the copy is complete.
  loadTestFeatures(state)?.catch(() => undefined);
  return state;
}
