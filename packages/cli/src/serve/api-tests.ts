/** `/api/tests` (searched, filtered, sorted, paged list) and `/api/tests/:row` (prediction and top-k attribution). */
import { HttpError } from './http-error.js';
import { clip, SNIPPET_CHARS, testSnippets, testTexts, type ServiceState } from './service-state.js';
import { explain, type Attributed, type TestDetail, type TestListItem, type TestListPage } from '@dualxda/core';
import { cachedMatches, cachedOrder, ensureIndex, indexStatus, matchRows, rangeTexts, type IndexStatus } from './list-state.js';
import { testMetrics, type TestMetrics, type TestSortKey } from './test-sort.js';
import { svPosition } from './surrogate-cache.js';
import { tokenContext, tokenRowIds } from './label-space.js';
import type { SearchIndex } from './search-index.js';

/** Longest full text a detail response carries (bounded result size). */
export const TEXT_CHARS = 20_000;

export { clip, SNIPPET_CHARS };

/** Filters and sort of the test list; every filter optional. */
export interface TestListQuery {
  q?: string;
  pred?: number;
  label?: number;
  misclassified?: boolean;
  /** @default 'row' */
  sort?: TestSortKey;
  /** @default 'asc' */
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** A list row with its sort keys (test-sort.ts defines them). */
export interface SortedTestListItem extends TestListItem {
  margin: number;
  loss: number;
  confidence: number;
}

/** `/api/tests` answer. */
export interface SortedTestListPage extends TestListPage {
  items: SortedTestListItem[];
  /** Progress of the search index (built in the background on the first list request). */
  searchIndex: IndexStatus;
}

/** Range reader for the index: the held texts when there are, else the store. */
function heldOrRange(state: ServiceState): (start: number, end: number) => Promise<string[]> {
  const held = state.testTexts;
  return held === undefined ? rangeTexts(state.data.test) : async (s, e) => (await held).slice(s, e);
}

/** The test search index (also the snippets of sorted pages): started on first use, then shared. */
export function testIndex(state: ServiceState): Promise<SearchIndex> {
  return ensureIndex(state.lists.testIndex, state.data.test.store, heldOrRange(state));
}

function metrics(state: ServiceState): TestMetrics {
  state.testMetrics ??= testMetrics(state.testLogits, state.testLabels, state.classes);
  return state.testMetrics;
}

/** Filters, sorts, then pages; `total` counts every match. A page is O(limit) once its list is cached. */
export async function listTests(state: ServiceState, query: TestListQuery): Promise<SortedTestListPage> {
  const { testLabels: labels, testPredictions: preds } = state;
  const n = labels.length;
  // The first list request starts the index (snippets for sorted pages, search) in the background.
  const building = testIndex(state);
  building.catch(() => undefined);
  const needle = query.q?.trim().toLowerCase() ?? '';
  const sort = query.sort ?? 'row';
  const desc = query.order === 'desc';
  const m = metrics(state);
  const order = sort === 'row' ? undefined : cachedOrder(state.lists, `test:${sort}`, () => m[sort]);
  const at = (p: number): number => {
    const i = desc ? n - 1 - p : p;
    return order === undefined ? i : order[i];
  };
  let total = n;
  let rowAt = at;
  if (needle !== '' || query.pred !== undefined || query.label !== undefined || query.misclassified === true) {
    const key = JSON.stringify(['test', needle, query.pred, query.label, query.misclassified === true, sort, desc]);
    const rows = await cachedMatches(state.lists, key, async () => {
      const found = needle === '' ? undefined : matchRows(await building, needle, await loweredTexts(state));
      const keep = (t: number): boolean =>
        (query.pred === undefined || preds[t] === query.pred) && (query.label === undefined || labels[t] === query.label) && (query.misclassified !== true || preds[t] !== labels[t]);
      // Row order with a search: walk the (ascending) matches only, not every row.
      if (found !== undefined && order === undefined) return (desc ? found.slice().reverse() : found).filter(keep);
      const hit = found === undefined ? undefined : new Uint8Array(n);
      if (hit !== undefined && found !== undefined) for (const r of found) hit[r] = 1;
      const out = new Int32Array(found?.length ?? n);
      let m = 0;
      for (let p = 0; p < n; p++) {
        const t = at(p);
        if (keep(t) && (hit === undefined || hit[t] === 1)) out[m++] = t;
      }
      return out.slice(0, m);
    });
    total = rows.length;
    rowAt = (i) => rows[i];
  }
  const page: number[] = [];
  for (let i = query.offset; i < Math.min(total, query.offset + query.limit); i++) page.push(rowAt(i));
  const [snippets, ids] = await Promise.all([testSnippets(state, page), tokenRowIds(state.data.test)]);
  return {
    total,
    offset: query.offset,
    searchIndex: indexStatus(state.lists.testIndex, n),
    items: page.map((row, i) => ({ row, ...(ids === undefined ? {} : { id: ids[row] }), label: labels[row], prediction: preds[row], snippet: snippets[i], margin: m.margin[row], loss: m.loss[row], confidence: m.confidence[row] })),
  };
}

/** Lower-cased `id\0text` per test row for substring checks, only when the texts are held (small test sets). */
async function loweredTexts(state: ServiceState): Promise<string[] | undefined> {
  if (state.testTexts === undefined) return undefined;
  state.searchTexts ??= (async () => {
    const store = state.data.test.store;
    const [texts, ids] = await Promise.all([state.testTexts as Promise<string[]>, store.readIds(0, store.rows)]);
    return texts.map((s, t) => `${ids[t] ?? ''}\0${s}`.toLowerCase());
  })();
  return state.searchTexts;
}

/** Features and id of one test row: from the held copy when loaded, else one chunk read. */
async function testRow(state: ServiceState, row: number): Promise<{ features: Float32Array; ids: string[] }> {
  const held = state.testFeatures;
  if (held === undefined) return state.data.test.store.readRows(row, row + 1);
  const d = state.sv.dim;
  return { features: held.subarray(row * d, (row + 1) * d), ids: await state.data.test.store.readIds(row, row + 1) };
}

/** What a page explaining one feature vector shows (a test row or a typed text). */
export type FeatureExplanation = Pick<TestDetail, 'surrogateLogits' | 'proponents' | 'opponents' | 'sparsity'>;

/** Surrogate logits and top-`k` proponents/opponents of `features` (d) for class `c`. */
export function explainFeatures(state: ServiceState, features: Float32Array, k: number, c: number): FeatureExplanation {
  const { sv, classes: K } = state;
  // Core's explain: WebAssembly SIMD kernel over the support vectors; 'dense' also returns every score for the sparsity figures.
  const res = explain(sv.model, { data: features, shape: [1, sv.dim] }, { topK: k, targets: Int32Array.of(c), mode: 'dense' });
  const scores = res.dense ?? new Float64Array(0);
  const logits = new Array<number>(K);
  for (let m = 0; m < K; m++) {
    let s = sv.model.bias[m];
    for (let i = 0; i < sv.dim; i++) s += sv.model.weights[m * sv.dim + i] * features[i];
    logits[m] = s;
  }
  const explained = res.rows[0];
  const pos = (explained?.proponents ?? []).map((a) => svPosition(sv.indices, a.index));
  const neg = (explained?.opponents ?? []).map((a) => svPosition(sv.indices, a.index));
  let total = 0;
  let nonzero = 0;
  for (let j = 0; j < sv.count; j++) {
    const a = Math.abs(scores[j]);
    total += a;
    if (a > 0) nonzero++;
  }
  let top = 0;
  for (const j of [...pos, ...neg]) top += Math.abs(scores[j]);
  const item = (j: number): Attributed => ({ row: sv.indices[j], id: sv.ids[j], label: sv.labels[j], score: scores[j], snippet: sv.snippets[j] });
  return {
    surrogateLogits: logits,
    proponents: pos.map(item),
    opponents: neg.map(item),
    sparsity: { k, topKMass: total === 0 ? 0 : top / total, totalMass: total, nonzero, supportVectors: sv.count, trainRows: state.trainLabels.length },
  };
}

/** Explains test row `row` for `target` (default: the model's prediction) with `k` per side. */
export async function testDetail(state: ServiceState, row: number, k: number, target?: number): Promise<TestDetail> {
  const K = state.classes;
  const testRows = state.testLabels.length;
  if (row >= testRows) throw new HttpError(404, `test row ${row} does not exist (the test store has ${testRows} rows)`);
  if (target !== undefined && target >= K) throw new HttpError(400, `class ${target} does not exist (K = ${K})`);
  const c = target ?? state.testPredictions[row];
  const [block, [text], context] = await Promise.all([testRow(state, row), testTexts(state, [row]), tokenContext(state.data.test, row)]);
  return {
    row,
    id: block.ids[0] ?? String(row),
    text: clip(text ?? '', TEXT_CHARS),
    ...(context === undefined ? {} : { context }),
    label: state.testLabels[row],
    prediction: state.testPredictions[row],
    target: c,
    // Without the network's logits `testLogits` are the surrogate's: not sent as the model's.
    modelLogits: state.predictedBy === 'model' ? Array.from(state.testLogits.subarray(row * K, (row + 1) * K)) : [],
    ...explainFeatures(state, block.features, k, c),
  };
}
