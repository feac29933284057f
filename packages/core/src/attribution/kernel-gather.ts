/**
 * The class-gathered path of the explain kernel. A[t, i] = α[i, c_t]·⟨f_t, x_i⟩ is exactly 0
 * whenever α[i, c_t] = 0, and a Crammer–Singer dual is sparse across classes (a support vector
 * usually has non-zero α only for its label and a few rivals). So test rows are grouped by target
 * class and each group's kernel block is computed only against the support vectors with
 * α[·, c] ≠ 0. Blocks keep the full path's boundaries (multiples of blockSize in support-vector
 * position) and heaps see candidates in the same order, so the results are the full path's.
 */
import type { DualDAModel } from '../model/types.js';
import type { GramKernel } from './gram-kernel.js';
import type { FeatureMatrixView } from './kernel.js';
import { heapOffer, offerThreshold } from './top-k.js';
import type { ExplainWorkspace } from './workspace.js';

/** Support-vector positions with α[·, c] ≠ 0, class after class: cols[start[c] .. start[c+1]). */
export interface ClassColumns {
  K: number;
  cols: Int32Array;
  /** α[cols[p], c] for p in class c's range (read sequentially by the scoring loop). */
  vals: Float64Array;
  start: Int32Array;
}

const cache = new WeakMap<Float64Array, ClassColumns>();

/** Builds (once per α array, cached) the per-class support-vector lists. */
export function classColumns(svAlpha: Float64Array, K: number): ClassColumns {
  const hit = cache.get(svAlpha);
  if (hit !== undefined && hit.K === K) return hit;
  const nSV = svAlpha.length / K;
  const start = new Int32Array(K + 1);
  for (let j = 0; j < nSV; j++) for (let c = 0; c < K; c++) if (svAlpha[j * K + c] !== 0) start[c + 1]++;
  for (let c = 0; c < K; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const cols = new Int32Array(start[K] as number);
  const vals = new Float64Array(start[K] as number);
  const fill = start.slice(0, K);
  for (let j = 0; j < nSV; j++) {
    for (let c = 0; c < K; c++) {
      const a = svAlpha[j * K + c] as number;
      if (a === 0) continue;
      vals[fill[c] as number] = a;
      cols[fill[c]++] = j;
    }
  }
  const out = { K, cols, vals, start };
  cache.set(svAlpha, out);
  return out;
}

/** Fraction of the full rows × nSV kernel entries the gathered path computes for these targets. */
export function gatheredFraction(cc: ClassColumns, targets: Int32Array, rows: number, nSV: number): number {
  let work = 0;
  for (let t = 0; t < rows; t++) {
    const c = targets[t] as number;
    work += (cc.start[c + 1] as number) - (cc.start[c] as number);
  }
  return rows * nSV === 0 ? 1 : work / (rows * nSV);
}

/** explainBatchInto's body for `dense === undefined`, computing only α ≠ 0 entries. */
export function explainGatheredInto(model: DualDAModel, K: number, view: FeatureMatrixView, ws: ExplainWorkspace, gram: GramKernel, cc: ClassColumns): void {
  const { rows } = view;
  const nSV = model.svIndices.length;
  const { blockSize, topK, proScore, proIdx, proCount, oppScore, oppIdx, oppCount, rowSum, targets, order } = ws;
  const g64 = ws.gram;
  const { cols, vals, start } = cc;
  // Counting-free grouping by class: K passes over the (small) batch.
  let n = 0;
  for (let c = 0; c < K && n < rows; c++) for (let t = 0; t < rows; t++) if (targets[t] === c) order[n++] = t;
  gram.load(view, order);
  for (let r0 = 0; r0 < rows; ) {
    const c = targets[order[r0] as number] as number;
    let r1 = r0 + 1;
    while (r1 < rows && targets[order[r1] as number] === c) r1++;
    const end = start[c + 1] as number;
    let p = start[c] as number;
    const range = { lo: p, hi: end };
    for (let s0 = 0; s0 < nSV && p < end; s0 += blockSize) {
      const c0 = p;
      while (p < end && (cols[p] as number) < s0 + blockSize) p++;
      const nb = p - c0;
      if (nb === 0) continue;
      gram.gather(r0, r1 - r0, cols, c0, nb, g64, blockSize, range);
      for (let i = 0; i < r1 - r0; i++) {
        const t = order[r0 + i] as number;
        const g = i * blockSize;
        const hk = t * topK;
        let pc = proCount[t] as number;
        let oc = oppCount[t] as number;
        let sum = 0;
        // Most scores lose to a full heap's root: one well-predicted test per score against the
        // offer thresholds (offerThreshold) instead of a branch on the score's random sign.
        let proThr = offerThreshold(proScore, hk, pc, topK, 1);
        let oppThr = offerThreshold(oppScore, hk, oc, topK, -1);
        for (let j = 0; j < nb; j++) {
          const score = (vals[c0 + j] as number) * (g64[g + j] as number);
          sum += score;
          if (score > proThr) {
            pc = heapOffer(proScore, proIdx, hk, pc, topK, score, cols[c0 + j] as number, 1);
            proThr = offerThreshold(proScore, hk, pc, topK, 1);
          } else if (score < oppThr) {
            oc = heapOffer(oppScore, oppIdx, hk, oc, topK, score, cols[c0 + j] as number, -1);
            oppThr = offerThreshold(oppScore, hk, oc, topK, -1);
          }
        }
        proCount[t] = pc;
        oppCount[t] = oc;
        rowSum[t] = (rowSum[t] as number) + sum;
      }
    }
    r0 = r1;
  }
}
