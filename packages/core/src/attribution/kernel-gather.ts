/**
 * The class-gathered path of the explain kernel. A[t, i] = α[i, c_t]·⟨f_t, x_i⟩ is exactly 0
 * whenever α[i, c_t] = 0, and a Crammer–Singer dual is sparse across classes (a support vector
 * usually has non-zero α only for its label and a few rivals). So test rows are grouped by target
 * class and each group's kernel block is computed only against the support vectors with
 * α[·, c] ≠ 0. Each entry is the same sum as the full path's and each row's heaps see candidates
 * in the same (ascending position) order, so the results are the full path's.
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
  const { blockSize, targets, order, rowSum, blockSum } = ws;
  const { cols, vals } = cc;
  // Counting-free grouping by class: K passes over the (small) batch.
  let n = 0;
  for (let c = 0; c < K && n < rows; c++) for (let t = 0; t < rows; t++) if (targets[t] === c) order[n++] = t;
  blockSum.fill(0, 0, rows);
  gram.load(view, order);
  gatheredProducts(gram, cc, targets, order, rows, nSV, view.dim, blockSize, ws.gram, {
    group: (r0, r1, c0, nb) => scoreGroup(ws, order, r0, r1, vals, cols, c0, nb),
    // A row's sum goes into rowSum once per block of blockSize positions, as on the full path
    // (adding the block's +0 where a row had no candidates there changes nothing).
    blockEnd: () => {
      for (let t = 0; t < rows; t++) {
        rowSum[t] = (rowSum[t] as number) + (blockSum[t] as number);
        blockSum[t] = 0;
      }
    },
  });
}

/**
 * The kernel blocks of a loaded batch (rows grouped by class in `order`) in `forEachGatheredBlock`'s
 * order: each window's rows read into cache, then each group's block into `out` (rows × blockSize),
 * after which `then.group` consumes it. Exported so that benchmarks time these products alone.
 */
export function gatheredProducts(
  gram: GramKernel,
  cc: ClassColumns,
  targets: Int32Array,
  order: Int32Array,
  rows: number,
  nSV: number,
  dim: number,
  blockSize: number,
  out: Float64Array,
  then: { group?: (r0: number, r1: number, c0: number, nb: number) => void; blockEnd?: () => void } = {},
): void {
  const { cols } = cc;
  forEachGatheredBlock(cc, targets, order, rows, nSV, dim, blockSize, {
    window: (w0, w1) => gram.prefetch?.(w0, w1),
    group: (r0, r1, c0, nb, lo, hi) => {
      gram.gather(r0, r1 - r0, cols, c0, nb, out, blockSize, { lo, hi });
      then.group?.(r0, r1, c0, nb);
    },
    blockEnd: then.blockEnd,
  });
}

/**
 * Support-vector positions per window: the window's rows (about this many bytes) stay in L2 while
 * every class group that needs them passes over them. Measured on the 2-core Zen 5 box (d = 768,
 * 16-row groups, each support vector in 2 of 4 classes, products alone, alternating runs in one
 * process): windows of 128 positions were 8-12% faster than whole classes one after another;
 * reading each window's rows into cache first (`GramKernel.prefetch`) gained 3-5% more in
 * float32 and ~1% in float64; windows of 64 or 256 positions were no better.
 */
const WINDOW_BYTES = 384 * 1024;

/** What `forEachGatheredBlock` calls, in its order. */
export interface GatheredVisitor {
  /** Before each window's groups (positions [w0, w1)), when the batch has two groups or more. */
  window?: (w0: number, w1: number) => void;
  group: (r0: number, r1: number, c0: number, nb: number, lo: number, hi: number) => void;
  /** After each block of blockSize positions. */
  blockEnd?: () => void;
}

/**
 * The order in which the class-gathered path computes a batch (loaded rows grouped by class in
 * `order`): blocks of `blockSize` support-vector positions, each cut into windows; per window,
 * every class group with columns there, so the window's rows are read from memory by the first
 * group that needs them and from cache by the others (a Crammer–Singer support vector usually has
 * α ≠ 0 in two or more classes). `visit.group(r0, r1, c0, nb, lo, hi)`: loaded rows [r0, r1) of one class
 * against its columns cols[c0 .. c0 + nb) (nb ≤ blockSize), whose whole class range is [lo, hi);
 * each group's columns come in ascending position. `window` runs before each window's groups
 * (positions [w0, w1)) when there are two groups or more, `blockEnd` after each block. A batch of
 * one class takes whole blocks.
 */
export function forEachGatheredBlock(
  cc: ClassColumns,
  targets: Int32Array,
  order: Int32Array,
  rows: number,
  nSV: number,
  dim: number,
  blockSize: number,
  visit: GatheredVisitor,
): void {
  const { cols, start } = cc;
  const oneGroup = rows === 0 || targets[order[0] as number] === targets[order[rows - 1] as number];
  const win = oneGroup ? blockSize : Math.min(blockSize, Math.max(4, Math.floor(WINDOW_BYTES / (Math.max(1, dim) * 4))));
  for (let s0 = 0; s0 < nSV; s0 += blockSize) {
    const s1 = Math.min(nSV, s0 + blockSize);
    for (let w0 = s0; w0 < s1; w0 += win) {
      const w1 = Math.min(s1, w0 + win);
      if (!oneGroup) visit.window?.(w0, w1);
      for (let r0 = 0; r0 < rows; ) {
        const c = targets[order[r0] as number] as number;
        let r1 = r0 + 1;
        while (r1 < rows && targets[order[r1] as number] === c) r1++;
        const lo = start[c] as number;
        const hi = start[c + 1] as number;
        const c0 = lowerBound(cols, lo, hi, w0);
        const c1 = lowerBound(cols, c0, hi, w1);
        if (c1 > c0) visit.group(r0, r1, c0, c1 - c0, lo, hi);
        r0 = r1;
      }
    }
    visit.blockEnd?.();
  }
}

/** First position p in [lo, hi) of the ascending `cols` with cols[p] >= v (hi if none). */
function lowerBound(cols: Int32Array, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cols[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** α-scales one group's kernel block (ws.gram) into the rows' block sums and top-k heaps. */
function scoreGroup(ws: ExplainWorkspace, order: Int32Array, r0: number, r1: number, vals: Float64Array, cols: Int32Array, c0: number, nb: number): void {
  const { blockSize, topK, proScore, proIdx, proCount, oppScore, oppIdx, oppCount, blockSum } = ws;
  const g64 = ws.gram;
  for (let i = 0; i < r1 - r0; i++) {
    const t = order[r0 + i] as number;
    const g = i * blockSize;
    const hk = t * topK;
    let pc = proCount[t] as number;
    let oc = oppCount[t] as number;
    let sum = blockSum[t] as number;
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
    blockSum[t] = sum;
  }
}
