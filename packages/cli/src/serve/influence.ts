/**
 * "Test examples a training row supports and opposes most" for `/api/train/:row`:
 * A[t, i] = alpha[i, c_t] <f_t, x_i> over the first scanned test rows (c_t = model prediction).
 * Issue 15 measured 438 / 754 ms p50 / p95 for a support vector's page at 1M x 1M: every request
 * decoded up to 100,000 test rows' feature chunks. The scanned rows' features are now read once
 * into memory (bounded bytes), tests whose predicted class has alpha 0 are skipped, and the
 * top-MAX_K per sign is cached per support vector.
 */
import { createWasmGramKernel } from '@dualxda/core';
import { loadTestFeatures, type ServiceState } from './service-state.js';
import { topK } from './select.js';

/** Test rows scanned at most; beyond this the answer says `scanned < testRows`. */
export const MAX_INFLUENCE_SCAN = 100_000;
/** Bytes of test features held for the scan; at large d fewer rows are scanned. */
export const INFLUENCE_FEATURE_BYTES = 64 * 1024 * 1024;
/** Support vectors whose top lists are cached. */
export const INFLUENCE_CACHE_ENTRIES = 256;
/** Entries kept per sign (the API's largest k). */
export const INFLUENCE_TOP = 100;

/** Test rows the training page scans for a store of `testRows` rows of dimension `dim`. */
export function influenceScanRows(testRows: number, dim: number): number {
  return Math.min(testRows, MAX_INFLUENCE_SCAN, Math.floor(INFLUENCE_FEATURE_BYTES / (4 * Math.max(1, dim))));
}

/** Top rows per sign (best first) with their scores. */
export interface InfluenceTop {
  pos: Int32Array;
  neg: Int32Array;
  /** Scores of `pos` then `neg`, in order. */
  scores: Float64Array;
}

/** The scanned rows' features, one array object per server (the WebAssembly kernel is cached by it). */
function scanFeatures(state: ServiceState, scanned: number): Promise<Float32Array> {
  state.influenceFeatures ??= (async () => {
    const d = state.sv.dim;
    const all = loadTestFeatures(state);
    if (all !== undefined) return (await all).subarray(0, scanned * d);
    const out = new Float32Array(scanned * d);
    const store = state.data.test.store;
    // iterChunks takes chunk indices (not rows); rows past `scanned` in the last chunk are skipped.
    // Each block is copied out before the next is asked for: reuse its memory.
    for await (const block of store.iterChunks({ start: 0, end: Math.ceil(scanned / store.chunkRows), reuseBuffers: true })) {
      const rows = Math.min(block.rows, scanned - block.start);
      out.set(block.features.subarray(0, rows * d), block.start * d);
    }
    return out;
  })();
  state.influenceFeatures.catch(() => (state.influenceFeatures = undefined));
  return state.influenceFeatures;
}

/**
 * dots[t] = <f_t, x> for every scanned row in one WebAssembly SIMD GEMM call (core's Gram kernel,
 * float64 accumulation; the scanned rows play the kernel's "support vectors"), or null where
 * WebAssembly SIMD is unavailable.
 */
function wasmDots(state: ServiceState, f: Float32Array, scanned: number, x: Float32Array): Float64Array | null {
  const d = state.sv.dim;
  const block = Math.ceil(scanned / 4) * 4;
  if (state.influenceKernel === undefined) state.influenceKernel = scanned === 0 ? null : createWasmGramKernel(f, d, scanned, block, 'float64');
  if (state.influenceKernel === null) return null;
  const dots = new Float64Array(scanned);
  state.influenceKernel.load({ data: x, rows: 1, dim: d, rowStride: d, colStride: 1, offset: 0 });
  state.influenceKernel.block(0, scanned, dots, scanned);
  return dots;
}

/** Scanned test rows grouped by predicted class (ascending), computed once. */
function rowsByClass(state: ServiceState, scanned: number): Int32Array[] {
  if (state.influenceRowsByClass === undefined) {
    const K = state.classes;
    const counts = new Int32Array(K);
    for (let t = 0; t < scanned; t++) counts[state.testPredictions[t]]++;
    const lists = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(K);
    for (let t = 0; t < scanned; t++) {
      const c = state.testPredictions[t];
      lists[c][fill[c]++] = t;
    }
    state.influenceRowsByClass = lists;
  }
  return state.influenceRowsByClass;
}

/** Top INFLUENCE_TOP tests per sign for support vector position `j` (cached). */
export async function influencedTests(state: ServiceState, j: number): Promise<InfluenceTop> {
  const cache = (state.influenceCache ??= new Map());
  const hit = cache.get(j);
  if (hit !== undefined) return hit;
  const { sv, classes: K } = state;
  const d = sv.dim;
  const scanned = influenceScanRows(state.testLabels.length, d);
  const f = await scanFeatures(state, scanned);
  const x = sv.features.subarray(j * d, (j + 1) * d);
  const alpha = sv.alpha.subarray(j * K, (j + 1) * K);
  const scores = new Float64Array(scanned);
  const dots = wasmDots(state, f, scanned, x);
  if (dots !== null) {
    const preds = state.testPredictions;
    for (let t = 0; t < scanned; t++) scores[t] = alpha[preds[t]] * dots[t];
  } else {
    const byClass = rowsByClass(state, scanned);
    // Only tests whose predicted class has alpha != 0 can score; each class's rows in one tight loop.
    for (let c = 0; c < K; c++) {
      const a = alpha[c];
      if (a === 0) continue;
      for (const t of byClass[c]) {
        let dot = 0;
        for (let i = 0, o = t * d; i < d; i++) dot += f[o + i] * x[i];
        scores[t] = a * dot;
      }
    }
  }
  const pos = new Int32Array(INFLUENCE_TOP);
  const neg = new Int32Array(INFLUENCE_TOP);
  const np = topK(scores, scanned, INFLUENCE_TOP, 1, pos);
  const nn = topK(scores, scanned, INFLUENCE_TOP, -1, neg);
  const picked = [...pos.subarray(0, np), ...neg.subarray(0, nn)];
  const top: InfluenceTop = { pos: pos.slice(0, np), neg: neg.slice(0, nn), scores: Float64Array.from(picked, (t) => scores[t]) };
  cache.set(j, top);
  if (cache.size > INFLUENCE_CACHE_ENTRIES) cache.delete(cache.keys().next().value as number);
  return top;
}
