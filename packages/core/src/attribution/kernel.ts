/**
 * The DualDA attribution kernel (dualda.md §1.6): A[t, i] = α[i, c_t] · ⟨f_t, x_i⟩ over support
 * vectors only, computed block by block as a GEMM (test rows × support-vector block) into the
 * workspace, then scaled by α and fed to per-row top-k heaps. No allocation inside.
 */
import type { DualDAModel } from '../model/types.js';
import { gemmNtF32 } from '../linalg/gemm-nt.js';
import { heapOffer } from './top-k.js';
import type { ExplainWorkspace } from './workspace.js';

/** Test rows as a strided float32 matrix view. */
export interface FeatureMatrixView {
  data: Float32Array;
  rows: number;
  dim: number;
  rowStride: number;
  colStride: number;
  offset: number;
}

/**
 * Explains `view.rows` test rows for the classes in `ws.targets` (already filled), writing heaps
 * and row sums into `ws`, and, when `dense` is given, the B × nSV score matrix.
 */
export function explainBatchInto(model: DualDAModel, K: number, view: FeatureMatrixView, ws: ExplainWorkspace, dense?: Float64Array): void {
  const { rows, dim } = view;
  const nSV = model.svIndices.length;
  const { gram, blockSize, topK, proScore, proIdx, proCount, oppScore, oppIdx, oppCount, rowSum, targets } = ws;
  const alpha = model.svAlpha;
  const sv = model.svFeatures;
  proCount.fill(0, 0, rows);
  oppCount.fill(0, 0, rows);
  rowSum.fill(0, 0, rows);
  for (let s0 = 0; s0 < nSV; s0 += blockSize) {
    const nb = Math.min(blockSize, nSV - s0);
    gemmNtF32(rows, nb, dim, view.data, view.rowStride, view.colStride, view.offset, sv, dim, 1, s0 * dim, gram, blockSize, 1, 0);
    for (let t = 0; t < rows; t++) {
      const c = targets[t] as number;
      const g = t * blockSize;
      const hk = t * topK;
      let pc = proCount[t] as number;
      let oc = oppCount[t] as number;
      let sum = 0;
      for (let j = 0; j < nb; j++) {
        const a = alpha[(s0 + j) * K + c] as number;
        // α = 0 gives an exact zero (the reference's natural sparsity), never NaN from 0·∞.
        const score = a === 0 ? 0 : a * (gram[g + j] as number);
        sum += score;
        if (dense !== undefined) dense[t * nSV + s0 + j] = score;
        if (score > 0) pc = heapOffer(proScore, proIdx, hk, pc, topK, score, s0 + j, 1);
        else if (score < 0) oc = heapOffer(oppScore, oppIdx, hk, oc, topK, score, s0 + j, -1);
      }
      proCount[t] = pc;
      oppCount[t] = oc;
      rowSum[t] = (rowSum[t] as number) + sum;
    }
  }
}

/** Fills `ws.targets` with argmax_m (W f_t + b)_m (first maximum on ties). */
export function surrogateArgmaxInto(model: DualDAModel, K: number, view: FeatureMatrixView, ws: ExplainWorkspace): void {
  const { rows, dim, data, rowStride, colStride, offset } = view;
  const w = model.weights;
  for (let t = 0; t < rows; t++) {
    let best = 0;
    let bestVal = -Infinity;
    for (let m = 0; m < K; m++) {
      let z = model.bias[m] as number;
      let p = offset + t * rowStride;
      const wo = m * dim;
      for (let q = 0; q < dim; q++, p += colStride) z += (w[wo + q] as number) * (data[p] as number);
      if (z > bestVal) {
        bestVal = z;
        best = m;
      }
    }
    ws.targets[t] = best;
  }
}
