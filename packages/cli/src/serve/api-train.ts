/**
 * `/api/train/:row` (one training example, its alpha row, self-influence and the tests it moves
 * most) and `/api/train` (the training-set browser: search, filters, sort by self-influence).
 */
import type { TrainListPage } from '@dualxda/core';
import type { Influenced, TrainDetail } from '@dualxda/core';
import { clip, SNIPPET_CHARS, TEXT_CHARS } from './api-tests.js';
import { HttpError } from './http-error.js';
import { influencedTests, influenceScanRows } from './influence.js';
import { cachedMatches, cachedOrder, ensureIndex, indexStatus, matchRows, rangeTexts } from './list-state.js';
import { indexSnippet, type SearchIndex } from './search-index.js';
import { testSnippets, type ServiceState } from './service-state.js';
import { svPosition } from './surrogate-cache.js';
import { tokenContext, tokenRowIds } from './label-space.js';

export { MAX_INFLUENCE_SCAN } from './influence.js';

/** A[t, i] = alpha[i, c_t] <f_t, x_i> for test rows t (c_t = model prediction); top-k per sign. */
export async function trainDetail(state: ServiceState, row: number, k: number): Promise<TrainDetail> {
  const { sv, classes: K } = state;
  const n = state.trainLabels.length;
  if (row >= n) throw new HttpError(404, `training row ${row} does not exist (the training store has ${n} rows)`);
  const j = svPosition(sv.indices, row);
  const alpha = j < 0 ? new Array<number>(K).fill(0) : Array.from(sv.alpha.subarray(j * K, (j + 1) * K));
  const testRows = state.testLabels.length;
  const top = j < 0 ? { pos: new Int32Array(0), neg: new Int32Array(0), scores: new Float64Array(0) } : await influencedTests(state, j);
  const pos = top.pos.subarray(0, k);
  const neg = top.neg.subarray(0, k);
  const picked = [...pos, ...neg];
  const score = (i: number): number => (i < pos.length ? top.scores[i] : top.scores[top.pos.length + i - pos.length]);
  const [snippets, [text], ids, context, testIds] = await Promise.all([testSnippets(state, picked), state.data.train.readTexts([row]), state.data.train.store.readIds(row, row + 1), tokenContext(state.data.train, row), tokenRowIds(state.data.test)]);
  const item = (t: number, i: number): Influenced => ({ row: t, ...(testIds === undefined ? {} : { id: testIds[t] }), label: state.testLabels[t], prediction: state.testPredictions[t], score: score(i), snippet: snippets[i] });
  return {
    row,
    id: ids[0] ?? String(row),
    text: clip(text ?? '', TEXT_CHARS),
    ...(context === undefined ? {} : { context }),
    label: state.trainLabels[row],
    isSupportVector: j >= 0,
    alpha,
    selfInfluence: j < 0 ? 0 : sv.selfInfluence[j],
    supports: Array.from(pos, (t, i) => item(t, i)),
    opposes: Array.from(neg, (t, i) => item(t, pos.length + i)),
    scanned: j < 0 ? 0 : influenceScanRows(testRows, sv.dim),
    testRows,
  };
}

/** Filters and sort of the training list. */
export interface TrainListQuery {
  q?: string;
  label?: number;
  /** Support vectors only. */
  sv?: boolean;
  /** `self-influence` lists support vectors only (every other row has self-influence 0). */
  sort?: 'row' | 'self-influence';
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}


/** The training search index: started on first use, then shared. */
export function trainIndex(state: ServiceState): Promise<SearchIndex> {
  return ensureIndex(state.lists.trainIndex, state.data.train.store, rangeTexts(state.data.train));
}

/** Searches, filters, sorts and pages the training set; a page costs O(limit) once its list is cached. */
export async function listTrain(state: ServiceState, query: TrainListQuery): Promise<TrainListPage> {
  const { sv, trainLabels: labels, classes: K } = state;
  const n = labels.length;
  // The first list request starts the index in the background; a search waits for it.
  const building = trainIndex(state);
  building.catch(() => undefined);
  const needle = query.q?.trim().toLowerCase() ?? '';
  const bySelf = query.sort === 'self-influence';
  const desc = query.order === 'desc';
  const svOnly = query.sv === true || bySelf;
  let total: number;
  let rowAt: (i: number) => number;
  if (needle === '' && query.label === undefined && !svOnly) {
    total = n;
    rowAt = desc ? (i) => n - 1 - i : (i) => i;
  } else {
    const key = JSON.stringify(['train', needle, query.label, svOnly, bySelf, desc]);
    const rows = await cachedMatches(state.lists, key, async () => {
      const found = needle === '' ? undefined : matchRows(await building, needle, undefined);
      const keepLabel = (r: number): boolean => query.label === undefined || labels[r] === query.label;
      if (found !== undefined && !svOnly) return (desc ? found.slice().reverse() : found).filter(keepLabel);
      const hit = found === undefined ? undefined : new Uint8Array(n);
      if (hit !== undefined && found !== undefined) for (const r of found) hit[r] = 1;
      const keep = (r: number): boolean => keepLabel(r) && (hit === undefined || hit[r] === 1);
      const out: number[] = [];
      if (svOnly) {
        const order = bySelf ? cachedOrder(state.lists, 'train:self-influence', () => sv.selfInfluence) : undefined;
        for (let p = 0; p < sv.count; p++) {
          const jj = order === undefined ? (desc ? sv.count - 1 - p : p) : order[desc ? sv.count - 1 - p : p];
          if (keep(sv.indices[jj])) out.push(sv.indices[jj]);
        }
      } else {
        for (let p = 0; p < n; p++) {
          const r = desc ? n - 1 - p : p;
          if (keep(r)) out.push(r);
        }
      }
      return Int32Array.from(out);
    });
    total = rows.length;
    rowAt = (i) => rows[i];
  }
  const page: number[] = [];
  for (let i = query.offset; i < Math.min(total, query.offset + query.limit); i++) page.push(rowAt(i));
  const [snippets, ids] = await Promise.all([trainSnippets(state, page), tokenRowIds(state.data.train)]);
  return {
    total,
    offset: query.offset,
    searchIndex: indexStatus(state.lists.trainIndex, n),
    items: page.map((row, i) => {
      const j = svPosition(sv.indices, row);
      let maxAbs = 0;
      for (let m = 0; j >= 0 && m < K; m++) maxAbs = Math.max(maxAbs, Math.abs(sv.alpha[j * K + m]));
      const y = labels[row];
      return { row, ...(ids === undefined ? {} : { id: ids[row] }), label: y, snippet: snippets[i], isSupportVector: j >= 0, alphaLabel: j >= 0 && y >= 0 && y < K ? sv.alpha[j * K + y] : 0, alphaMaxAbs: maxAbs, selfInfluence: j >= 0 ? sv.selfInfluence[j] : 0 };
    }),
  };
}

/** Snippets of training rows: cached for support vectors, from the index when built, else read. */
async function trainSnippets(state: ServiceState, rows: number[]): Promise<string[]> {
  const { sv } = state;
  const index = state.lists.trainIndex.ready;
  const missing = rows.filter((r) => svPosition(sv.indices, r) < 0 && index === undefined);
  const read = missing.length === 0 ? [] : await state.data.train.readTexts(missing);
  const got = new Map(missing.map((r, i) => [r, clip(read[i] ?? '', SNIPPET_CHARS)]));
  return rows.map((r) => {
    const j = svPosition(sv.indices, r);
    if (j >= 0) return sv.snippets[j];
    return got.get(r) ?? (index === undefined ? '' : indexSnippet(index, r));
  });
}
