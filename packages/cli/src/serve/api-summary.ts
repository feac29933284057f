/** `/api/summary` (run overview) and `/api/global` (support vectors per class, mislabel candidates). */
import type { GlobalView, Summary } from '@dualxda/core';
import type { ServiceState } from './service-state.js';
import { topK } from './select.js';
import { cachedProjection } from './sv-projection.js';
import { isTokenStore } from '../steps/token-rows.js';

/** Builds the summary from the cached state (no store reads). */
export function summary(state: ServiceState): Summary {
  const { data, sv } = state;
  const m = data.train.store.manifest;
  let wrong = 0;
  for (let t = 0; t < state.testLabels.length; t++) if (state.testLabels[t] !== state.testPredictions[t]) wrong++;
  const testRows = state.testLabels.length;
  const ids = data.model.classIds;
  const rule = (data.model.diagnostics?.['candidateClasses'] as { rule?: unknown } | undefined)?.rule;
  return {
    classNames: state.classNames,
    ...(state.labelNames.length === state.classNames.length ? {} : { labelNames: state.labelNames }),
    ...(ids === undefined || state.candidateSet === undefined ? {} : { candidateSet: { rule: typeof rule === 'string' ? rule : 'declared', classIds: ids, ...state.candidateSet } }),
    predictedBy: state.predictedBy,
    train: { rows: data.train.store.rows, dim: data.train.store.dim, path: data.paths?.train ?? data.train.store.path, layer: m.layer, modelHash: m.modelHash, datasetRevision: m.datasetRevision, tool: m.tool, createdAt: m.createdAt, head: m.head },
    test: { rows: testRows, path: data.paths?.test ?? data.test.store.path, accuracy: testRows === 0 ? 0 : 1 - wrong / testRows, misclassified: wrong },
    model: { C: data.model.C, supportVectors: sv.count, svPerClass: sv.perClass, svFraction: data.train.store.rows === 0 ? 0 : sv.count / data.train.store.rows, diagnostics: data.model.diagnostics ?? {} },
    faithfulness: data.model.faithfulness ?? null,
    testAgreement: state.agreement,
    xda: { available: data.xda !== undefined, reason: data.xda === undefined ? (data.xdaUnavailableReason ?? 'no model checkpoint configured') : null },
    text: m.head === 'token'
      ? { available: false, reason: 'token-head store: a typed text is many token rows (explain it with `dualxda explain STORE --text ...`)' }
      : { available: data.embedText !== undefined, reason: data.embedText === undefined ? (data.xdaUnavailableReason ?? 'no model checkpoint configured') : null },
    collapse: data.model.collapse ?? null,
  };
}

/** Global view: support vectors per class and the `limit` highest self-influence rows. */
export function globalView(state: ServiceState, limit: number): GlobalView {
  const { sv } = state;
  const idx = new Int32Array(limit);
  const n = topK(sv.selfInfluence, sv.count, limit, 1, idx);
  return {
    classNames: state.classNames,
    svPerClass: sv.perClass,
    C: state.data.model.C,
    // Token rows: the snippet is one token, so the id (`textId#position`) goes with it.
    candidates: Array.from(idx.subarray(0, n), (j) => ({ row: sv.indices[j], ...(isTokenStore(state.data.train.store) ? { id: sv.ids[j] } : {}), label: sv.labels[j], selfInfluence: sv.selfInfluence[j], snippet: sv.snippets[j] })),
    confusion: confusionMatrix(state),
    projection: cachedProjection(sv),
  };
}

const confusions = new WeakMap<ServiceState, number[][]>();

/** `confusion[label][prediction]` over the test rows, computed once per state (one pass over 1M rows is a few ms). */
export function confusionMatrix(state: Pick<ServiceState, 'classes' | 'testLabels' | 'testPredictions'>): number[][] {
  const cached = confusions.get(state as ServiceState);
  if (cached !== undefined) return cached;
  const K = state.classes;
  const counts = new Float64Array(K * K);
  for (let t = 0; t < state.testLabels.length; t++) {
    const y = state.testLabels[t] as number;
    const p = state.testPredictions[t] as number;
    if (y >= 0 && y < K && p >= 0 && p < K) counts[y * K + p]++;
  }
  const matrix = Array.from({ length: K }, (_, y) => Array.from(counts.subarray(y * K, (y + 1) * K)));
  confusions.set(state as ServiceState, matrix);
  return matrix;
}
