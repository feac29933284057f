/** `/api/train/:row`: one training example, its alpha row, self-influence and the tests it moves most. */
import type { Influenced, TrainDetail } from '@dualxda/core';
import { clip, SNIPPET_CHARS, TEXT_CHARS } from './api-tests.js';
import { HttpError } from './http-error.js';
import { testTexts, type ServiceState } from './service-state.js';
import { svPosition } from './surrogate-cache.js';
import { topK } from './select.js';

/** Test rows scanned for "tests it influences most"; beyond this the answer says `scanned < total`. */
export const MAX_INFLUENCE_SCAN = 100_000;

/** A[t, i] = alpha[i, c_t] <f_t, x_i> for test rows t (c_t = model prediction); top-k per sign. */
export async function trainDetail(state: ServiceState, row: number, k: number): Promise<TrainDetail> {
  const { sv, classes: K } = state;
  const n = state.trainLabels.length;
  if (row >= n) throw new HttpError(404, `training row ${row} does not exist (the training store has ${n} rows)`);
  const j = svPosition(sv.indices, row);
  const alpha = j < 0 ? new Array<number>(K).fill(0) : Array.from(sv.alpha.subarray(j * K, (j + 1) * K));
  const testRows = state.testLabels.length;
  const scanned = j < 0 ? 0 : Math.min(testRows, MAX_INFLUENCE_SCAN);
  const scores = new Float64Array(scanned);
  if (j >= 0) {
    const x = sv.features.subarray(j * sv.dim, (j + 1) * sv.dim);
    const store = state.data.test.store;
    // iterChunks takes chunk indices (not rows); rows past `scanned` in the last chunk are skipped.
    for await (const block of store.iterChunks({ start: 0, end: Math.ceil(scanned / store.chunkRows) })) {
      for (let r = 0; r < block.rows && block.start + r < scanned; r++) {
        const t = block.start + r;
        let dot = 0;
        for (let i = 0; i < sv.dim; i++) dot += block.features[r * sv.dim + i] * x[i];
        scores[t] = alpha[state.testPredictions[t]] * dot;
      }
    }
  }
  const pos = new Int32Array(k);
  const neg = new Int32Array(k);
  const np = topK(scores, scanned, k, 1, pos);
  const nn = topK(scores, scanned, k, -1, neg);
  const picked = [...pos.subarray(0, np), ...neg.subarray(0, nn)];
  const [texts, [text], ids] = await Promise.all([testTexts(state, picked), state.data.train.readTexts([row]), state.data.train.store.readIds(row, row + 1)]);
  const item = (t: number, i: number): Influenced => ({ row: t, label: state.testLabels[t], prediction: state.testPredictions[t], score: scores[t], snippet: clip(texts[i], SNIPPET_CHARS) });
  return {
    row,
    id: ids[0] ?? String(row),
    text: clip(text ?? '', TEXT_CHARS),
    label: state.trainLabels[row],
    isSupportVector: j >= 0,
    alpha,
    selfInfluence: j < 0 ? 0 : sv.selfInfluence[j],
    supports: Array.from(pos.subarray(0, np), (t, i) => item(t, i)),
    opposes: Array.from(neg.subarray(0, nn), (t, i) => item(t, np + i)),
    scanned,
    testRows,
  };
}
