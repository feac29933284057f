/**
 * The DualDA attribution kernel (dualda.md §1.6): A[t, i] = α[i, c_t] · ⟨f_t, x_i⟩ over support
 * vectors only, computed block by block as a GEMM (test rows × support-vector block) into the
 * workspace, then scaled by α and fed to per-row top-k heaps. No allocation inside.
 */
import { assert } from '../errors.js';
import type { DualDAModel } from '../model/types.js';
import { createJsGramKernel, type GramKernel } from './gram-kernel.js';
import { classColumns, explainGatheredInto, gatheredFraction } from './kernel-gather.js';
import { heapOffer, offerThreshold } from './top-k.js';
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
 * and row sums into `ws`, and, when `dense` is given, the B × nSV score matrix. `gram` picks the
 * GEMM kernel (default: the scalar float64 one).
 */
export function explainBatchInto(
  model: DualDAModel,
  K: number,
  view: FeatureMatrixView,
  ws: ExplainWorkspace,
  dense?: Float64Array,
  gram: GramKernel = createJsGramKernel(model.svFeatures, view.dim),
): void {
  const { rows } = view;
  const nSV = model.svIndices.length;
  const { blockSize, topK, proScore, proIdx, proCount, oppScore, oppIdx, oppCount, rowSum, targets } = ws;
  const g64 = ws.gram;
  const alpha = model.svAlpha;
  // Typed arrays drop out-of-range writes silently, so check sizes once, before the loop.
  assert(rows <= ws.maxRows, () => `explainBatchInto: ${rows} rows exceed the workspace's maxRows ${ws.maxRows}`);
  assert(alpha.length === nSV * K && model.svFeatures.length === nSV * view.dim, () => `explainBatchInto: model arrays do not match nSV = ${nSV}, K = ${K}, d = ${view.dim}`);
  assert(dense === undefined || dense.length >= rows * nSV, () => `explainBatchInto: dense needs ${rows * nSV} elements, has ${dense?.length}`);
  proCount.fill(0, 0, rows);
  oppCount.fill(0, 0, rows);
  rowSum.fill(0, 0, rows);
  if (dense === undefined && rows > 0) {
    const cc = classColumns(alpha, K);
    // Worth it once a fifth of the kernel entries can be skipped (always exact).
    if (gatheredFraction(cc, targets, rows, nSV) < 0.8) return explainGatheredInto(model, K, view, ws, gram, cc);
  }
  gram.load(view);
  for (let s0 = 0; s0 < nSV; s0 += blockSize) {
    const nb = Math.min(blockSize, nSV - s0);
    gram.block(s0, nb, g64, blockSize);
    for (let t = 0; t < rows; t++) {
      const c = targets[t] as number;
      const g = t * blockSize;
      const hk = t * topK;
      let pc = proCount[t] as number;
      let oc = oppCount[t] as number;
      let sum = 0;
      let proThr = offerThreshold(proScore, hk, pc, topK, 1);
      let oppThr = offerThreshold(oppScore, hk, oc, topK, -1);
      for (let j = 0; j < nb; j++) {
        const a = alpha[(s0 + j) * K + c] as number;
        // α = 0 gives an exact zero (the reference's natural sparsity), never NaN from 0·∞.
        const score = a === 0 ? 0 : a * (g64[g + j] as number);
        sum += score;
        if (dense !== undefined) dense[t * nSV + s0 + j] = score;
        if (score > proThr) {
          pc = heapOffer(proScore, proIdx, hk, pc, topK, score, s0 + j, 1);
          proThr = offerThreshold(proScore, hk, pc, topK, 1);
        } else if (score < oppThr) {
          oc = heapOffer(oppScore, oppIdx, hk, oc, topK, score, s0 + j, -1);
          oppThr = offerThreshold(oppScore, hk, oc, topK, -1);
        }
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
