/** `/api/tests` (filtered, paged list) and `/api/tests/:row` (prediction and top-k attribution). */
import { HttpError } from './http-error.js';
import { testTexts, type ServiceState } from './service-state.js';
import { classScores, dotRowsF32, surrogateLogits, topK } from './sv-kernel.js';

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

/** One row of the test list. */
export interface TestListItem {
  row: number;
  label: number;
  prediction: number;
  snippet: string;
}

/** Filters, then pages; `total` counts every match. */
export async function listTests(state: ServiceState, query: TestListQuery): Promise<{ total: number; offset: number; items: TestListItem[] }> {
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

/** One attributed training example. */
export interface Attributed {
  row: number;
  id: string;
  label: number;
  score: number;
  snippet: string;
}

/** Everything the test page shows. */
export interface TestDetail {
  row: number;
  id: string;
  text: string;
  label: number;
  prediction: number;
  target: number;
  modelLogits: number[];
  surrogateLogits: number[];
  proponents: Attributed[];
  opponents: Attributed[];
  sparsity: { k: number; topKMass: number; totalMass: number; nonzero: number; supportVectors: number; trainRows: number };
}

/** Explains test row `row` for `target` (default: the model's prediction) with `k` per side. */
export async function testDetail(state: ServiceState, row: number, k: number, target?: number): Promise<TestDetail> {
  const { sv, classes: K } = state;
  const testRows = state.testLabels.length;
  if (row >= testRows) throw new HttpError(404, `test row ${row} does not exist (the test store has ${testRows} rows)`);
  if (target !== undefined && target >= K) throw new HttpError(400, `class ${target} does not exist (K = ${K})`);
  const c = target ?? state.testPredictions[row];
  const block = await state.data.test.store.readRows(row, row + 1);
  const g = new Float64Array(sv.count);
  dotRowsF32(sv.count, sv.dim, sv.features, block.features, g);
  const logits = surrogateLogits(sv.count, K, sv.alpha, g, state.data.model.bias, new Float64Array(K));
  const scores = classScores(sv.count, K, sv.alpha, g, c, new Float64Array(sv.count));
  const pos = new Int32Array(k);
  const neg = new Int32Array(k);
  const np = topK(scores, sv.count, k, 1, pos);
  const nn = topK(scores, sv.count, k, -1, neg);
  let total = 0;
  let nonzero = 0;
  for (let j = 0; j < sv.count; j++) {
    const a = Math.abs(scores[j]);
    total += a;
    if (a > 0) nonzero++;
  }
  const picked = [...pos.subarray(0, np), ...neg.subarray(0, nn)];
  let top = 0;
  for (const j of picked) top += Math.abs(scores[j]);
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
    surrogateLogits: Array.from(logits),
    proponents: Array.from(pos.subarray(0, np), item),
    opponents: Array.from(neg.subarray(0, nn), item),
    sparsity: { k, topKMass: total === 0 ? 0 : top / total, totalMass: total, nonzero, supportVectors: sv.count, trainRows: state.trainLabels.length },
  };
}
