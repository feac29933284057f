/**
 * The state the API handlers share, built once at startup: labels and predictions of the test set,
 * training labels (n int32; 4 MB at 1M rows) and the support-vector cache. No feature matrix is
 * loaded whole; test features and texts are read by row per request.
 */
import { DualxdaError, type TestAgreement } from '@dualxda/core';
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
  /** Lower-cased test texts, loaded on the first text search. */
  searchTexts?: Promise<string[]>;
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
  const state: ServiceState = { data, classNames, classes: K, trainLabels, testLabels, testLogits, testPredictions, sv, agreement };
  if (test.store.rows <= MAX_CACHED_TEST_TEXTS) {
    state.testTexts = test.readTexts(Array.from({ length: test.store.rows }, (_, t) => t));
    await state.testTexts;
  }
  return state;
}
