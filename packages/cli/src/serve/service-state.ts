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
import { labelSpace, modelClassLogits, type LabelSpace } from './label-space.js';
import { testAgreement } from './test-agreement.js';
import type { DashboardData, TestSource } from './types.js';

/** Shared, read-only state of a running dashboard server. */
export interface ServiceState {
  data: DashboardData;
  classNames: string[];
  classes: number;
  /**
   * Names of the labels: `classNames`, then (candidate-set models, label-space.ts) the store classes
   * outside the set that occur as labels. Train and test labels index this list.
   */
  labelNames: string[];
  /** Candidate-set models: what the set leaves out (label-space.ts). */
  candidateSet?: LabelSpace['candidateSet'];
  trainLabels: Int32Array;
  testLabels: Int32Array;
  /** Original model logits of the test set (rows x K); the surrogate's when `predictedBy` is 'surrogate'. */
  testLogits: Float32Array;
  /** Whose logits `testLogits` are: the network's, or the surrogate's when the test store has none (token-head stores). */
  predictedBy: 'model' | 'surrogate';
  /** argmax of the model logits per test row: the explained target (dualda.md 1.6). */
  testPredictions: Int32Array;
  sv: SupportVectorCache;
  /** Model-vs-surrogate agreement on the test set; null without the network's logits. */
  agreement: TestAgreement | null;
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
  const [storeTrainLabels, storeTestLabels, rawLogits] = await Promise.all([train.store.readLabels(), test.store.readLabels(), test.readLogits()]);
  const space = labelSpace(model, train.store.manifest.classNames, storeTrainLabels, storeTestLabels);
  const { trainLabels, testLabels, labelNames } = space;
  const sv = await loadSupportVectors(train, model, trainLabels);
  const networkLogits = modelClassLogits(rawLogits, test.store.rows, model);
  // Without the network's logits (a token-head test store keeps none) the surrogate's stand in, labelled.
  const testLogits = networkLogits ?? (await surrogateLogits(test, sv));
  const testPredictions = new Int32Array(test.store.rows);
  for (let t = 0; t < test.store.rows; t++) testPredictions[t] = argmax(testLogits, t * K, K);
  const agreement = networkLogits === null ? null : await testAgreement(test, networkLogits, sv);
  const state: ServiceState = {
    data, classNames, classes: K, labelNames, ...(space.candidateSet === undefined ? {} : { candidateSet: space.candidateSet }),
    trainLabels, testLabels, testLogits, predictedBy: networkLogits === null ? 'surrogate' : 'model', testPredictions, sv, agreement, lists: createListCaches(),
  };
  if (test.store.rows <= MAX_CACHED_TEST_TEXTS) {
    state.testTexts = test.readTexts(Array.from({ length: test.store.rows }, (_, t) => t));
    await state.testTexts;
  }
  // In the background: requests keep reading rows from the store until the copy is complete.
  loadTestFeatures(state)?.catch(() => undefined);
  return state;
}

/** Surrogate logits W f + b of every test row (rows x K), chunk by chunk. */
async function surrogateLogits(test: TestSource, sv: SupportVectorCache): Promise<Float32Array> {
  const { classes: K, dim: d } = sv;
  const { weights, bias } = sv.model;
  const out = new Float32Array(test.store.rows * K);
  for await (const block of test.store.iterChunks({ reuseBuffers: true })) {
    for (let r = 0; r < block.rows; r++) {
      for (let m = 0; m < K; m++) {
        let s = bias[m];
        for (let i = 0; i < d; i++) s += weights[m * d + i] * block.features[r * d + i];
        out[(block.start + r) * K + m] = s;
      }
    }
  }
  return out;
}
