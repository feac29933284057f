/** `/api/tests` (filtered, paged list) and `/api/tests/:row` (prediction and top-k attribution). */
import { HttpError } from './http-error.js';
import { testTexts, type ServiceState } from './service-state.js';
import { explain, type Attributed, type TestDetail, type TestListPage } from '@dualxda/core';
import { svPosition } from './surrogate-cache.js';

/** Longest text snippet a list row carries. */
export const SNIPPET_CHARS = 240;
/** Longest full text a detail response carries (bounded result size). */
export const TEXT_CHARS = 20_000;

/** Filters of the test list; every field optional. */
export interface TestListQuery {
  q?: string;
  pred?: number;
  label?: number;
  misclassified?: boolean;
  offset: number;
  limit: number;
}

/** Filters, then pages; `total` counts every match. */
export async function listTests(state: ServiceState, query: TestListQuery): Promise<TestListPage> {
  const { testLabels: labels, testPredictions: preds } = state;
  const n = labels.length;
  const needle = query.q?.trim().toLowerCase() ?? '';
  const texts = needle === '' ? undefined : await searchTexts(state);
  const matches: number[] = [];
  for (let t = 0; t < n; t++) {
    if (query.pred !== undefined && preds[t] !== query.pred) continue;
    if (query.label !== undefined && labels[t] !== query.label) continue;
    if (query.misclassified === true && preds[t] === labels[t]) continue;
    if (texts !== undefined && !texts[t].includes(needle)) continue;
    matches.push(t);
  }
  const page = matches.slice(query.offset, query.offset + query.limit);
  const pageTexts = await testTexts(state, page);
  return {
    total: matches.length,
    offset: query.offset,
    items: page.map((row, i) => ({ row, label: labels[row], prediction: preds[row], snippet: clip(pageTexts[i], SNIPPET_CHARS) })),
  };
}

function searchTexts(state: ServiceState): Promise<string[]> {
  state.searchTexts ??= (async () => {
    const rows = Array.from({ length: state.testLabels.length }, (_, t) => t);
    return (await testTexts(state, rows)).map((s) => s.toLowerCase());
  })();
  return state.searchTexts;
}

/** Cuts `s` to `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Explains test row `row` for `target` (default: the model's prediction) with `k` per side. */
export async function testDetail(state: ServiceState, row: number, k: number, target?: number): Promise<TestDetail> {
  const { sv, classes: K } = state;
  const testRows = state.testLabels.length;
  if (row >= testRows) throw new HttpError(404, `test row ${row} does not exist (the test store has ${testRows} rows)`);
  if (target !== undefined && target >= K) throw new HttpError(400, `class ${target} does not exist (K = ${K})`);
  const c = target ?? state.testPredictions[row];
  const block = await state.data.test.store.readRows(row, row + 1);
  // Core's explain: WebAssembly SIMD kernel over the support vectors; 'dense' also returns every score for the sparsity figures.
  const res = explain(sv.model, { data: block.features, shape: [1, sv.dim] }, { topK: k, targets: Int32Array.of(c), mode: 'dense' });
  const scores = res.dense ?? new Float64Array(0);
  const logits = new Array<number>(K);
  for (let m = 0; m < K; m++) {
    let s = sv.model.bias[m];
    for (let i = 0; i < sv.dim; i++) s += sv.model.weights[m * sv.dim + i] * block.features[i];
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
  const [text] = await testTexts(state, [row]);
  const item = (j: number): Attributed => ({ row: sv.indices[j], id: sv.ids[j], label: sv.labels[j], score: scores[j], snippet: sv.snippets[j] });
  return {
    row,
    id: block.ids[0] ?? String(row),
    text: clip(text ?? '', TEXT_CHARS),
    label: state.testLabels[row],
    prediction: state.testPredictions[row],
    target: c,
    modelLogits: Array.from(state.testLogits.subarray(row * K, (row + 1) * K)),
    surrogateLogits: logits,
    proponents: pos.map(item),
    opponents: neg.map(item),
    sparsity: { k, topKMass: total === 0 ? 0 : top / total, totalMass: total, nonzero, supportVectors: sv.count, trainRows: state.trainLabels.length },
  };
}
