import type { Rows } from './gradients.js';
import { solveSubproblem } from './subproblem.js';
import { createWasmCs, type WasmCs } from './wasm-cs.js';

/**
 * Mutable state of Crammer–Singer dual coordinate descent (LIBLINEAR Solver_MCSVM_CS). `alpha`
 * (n x K, class order) may live in a SharedArrayBuffer; `w` (K x D, D = d+1 with the bias column)
 * is the state's own working W̃ in its WebAssembly kernel's memory (wasm-cs.ts): createCsState
 * copies the caller's W̃ in and `copyW` copies it out. The shrinking bookkeeping (`classIdx`, `activeK`, `yPos`) is indexed by a
 * local row index so a worker holds it only for its own shard. x̃ = [x ; bias]: a row holds the
 * D − 1 features only and `bias` is the appended constant (LIBLINEAR -B).
 */
export interface CsState {
  K: number;
  D: number;
  C: number;
  bias: number;
  alpha: Float64Array;
  w: Float64Array;
  /** The dot-product and rank-1 kernels; G, dInd and dVal are views of its memory. */
  kern: WasmCs;
  /** Per local row: permutation of the classes; the first activeK entries are active. */
  classIdx: Int32Array;
  activeK: Int32Array;
  /** Per local row: position of y_i inside classIdx. */
  yPos: Int32Array;
  /** Running Σ_i α_{i,y_i} over rows updated through this state (dual objective bookkeeping). */
  sumAlphaY: number;
  /**
   * Drift clock: Σ over updates of max_m |Δα_m|·‖x̃_i‖, so max_m ‖w̃_m(t') − w̃_m(t)‖ ≤ drift(t') − drift(t)
   * (triangle inequality). Used by the screening of shrunk rows (screening.ts).
   */
  drift: number;
  /**
   * Set on every ROW_SHRUNK return: G_y − max_{m≠y} G_m when all K classes were active and the
   * row's α is all zero (a non-support vector that stays shrunk while this stays > 0), else −1.
   */
  lastSlack: number;
  G: Float64Array;
  B: Float64Array;
  sorted: Float64Array;
  alphaNew: Float64Array;
  dInd: Int32Array;
  dVal: Float64Array;
}

/**
 * Creates state for `rows` local rows; `alpha` is the caller's (maybe shared), `w` the starting W̃,
 * copied into the state's own `w`. `x`: the rows `updateSample` will be given, read in place when
 * `allocateSolverRows` made them (row-memory.ts), else each row is copied into the kernel.
 */
export function createCsState(rows: number, K: number, D: number, C: number, alpha: Float64Array, w: Float64Array, bias: number, x?: Rows): CsState {
  const kern = createWasmCs(K, D, bias, x);
  kern.w.set(w);
  const st: CsState = {
    K, D, C, bias, alpha, w: kern.w, kern,
    classIdx: new Int32Array(rows * K),
    activeK: new Int32Array(rows),
    yPos: new Int32Array(rows),
    sumAlphaY: 0,
    drift: 0,
    lastSlack: -1,
    G: kern.val,
    B: new Float64Array(K),
    sorted: new Float64Array(K),
    alphaNew: new Float64Array(K),
    dInd: kern.cls,
    dVal: kern.val2,
  };
  for (let li = 0; li < rows; li++) for (let m = 0; m < K; m++) st.classIdx[li * K + m] = m;
  st.activeK.fill(K);
  return st;
}

/** Copies the state's W̃ into `out` (K x D). */
export function copyW(st: CsState, out: Float64Array): void {
  out.set(st.w);
}

/** Sets yPos for local row li with label y (call once per row before the first update). */
export function initRow(st: CsState, li: number, y: number): void {
  const base = li * st.K;
  for (let m = 0; m < st.K; m++) if (st.classIdx[base + m] === y) st.yPos[li] = m;
}

/** Re-activates every class of local rows [0, rows) (LIBLINEAR's "*" step). */
export function reactivateClasses(st: CsState, rows: number): void {
  st.activeK.fill(st.K, 0, rows);
}

/** Row fully shrunk: the caller drops it from the active sample list. */
export const ROW_SHRUNK = -2;
/** Row skipped: Q_ii ≤ 0 or already optimal to 1e-12. */
export const ROW_SKIPPED = -1;

/**
 * One coordinate-block update of sample i (global index, alpha row i) whose D − 1 features start
 * at x[xOff] and whose Q_ii is `Aii`; `li` indexes the shrinking state. Returns the sample's KKT
 * violation before the update, ROW_SKIPPED or ROW_SHRUNK. Never allocates.
 */
export function updateSample(st: CsState, i: number, li: number, y: number, x: Rows, xOff: number, Aii: number, shrink: boolean): number {
  if (!(Aii > 0)) return ROW_SKIPPED;
  const { K, D, C, alpha, classIdx, G } = st;
  const aBase = i * K;
  const sBase = li * K;
  let act = st.activeK[li] as number;
  let yp = st.yPos[li] as number;
  const { kern } = st;
  const inPlace = x === kern.rows;
  const at = kern.rowsBase + xOff * 4;
  if (!inPlace) {
    const xr = kern.x;
    // A plain loop: measured no slower than TypedArray.set of a subarray, which allocates.
    for (let j = 0; j < D - 1; j++) xr[j] = x[xOff + j] as number;
  }
  const cls = kern.cls;
  for (let m = 0; m < act; m++) cls[m] = classIdx[sBase + m] as number;
  if (inPlace) kern.dotsAt(act, at);
  else kern.dots(act);
  for (let m = 0; m < act; m++) if (m !== yp) G[m] = (G[m] as number) + 1;
  const fullK = act === K;
  let slack = -1;
  if (fullK) {
    let maxOther = -Infinity;
    for (let m = 0; m < K; m++) if (m !== yp && (G[m] as number) > maxOther) maxOther = G[m] as number;
    slack = (G[yp] as number) - maxOther;
  }
  let minG = Infinity, maxG = -Infinity;
  for (let m = 0; m < act; m++) {
    const g = G[m] as number;
    const bound = m === yp ? C : 0;
    if ((alpha[aBase + (classIdx[sBase + m] as number)] as number) < bound && g < minG) minG = g;
    if (g > maxG) maxG = g;
  }
  if (shrink) {
    for (let m = 0; m < act; m++) {
      if (!isShrinkable(st, aBase, sBase, m, yp, minG)) continue;
      act--;
      while (act > m) {
        if (!isShrinkable(st, aBase, sBase, act, yp, minG)) {
          swapClass(st, sBase, m, act);
          if (yp === act) yp = m;
          else if (yp === m) yp = act;
          break;
        }
        act--;
      }
    }
    st.activeK[li] = act;
    st.yPos[li] = yp;
    if (act <= 1) {
      st.lastSlack = fullK ? zeroRowSlack(alpha, aBase, K, slack) : -1;
      return ROW_SHRUNK;
    }
  }
  const viol = maxG - minG;
  if (viol <= 1e-12) return ROW_SKIPPED;
  const { B, alphaNew, dInd, dVal } = st;
  for (let m = 0; m < act; m++) B[m] = (G[m] as number) - Aii * (alpha[aBase + (classIdx[sBase + m] as number)] as number);
  solveSubproblem(Aii, B, yp, C, act, st.sorted, alphaNew);
  let nz = 0;
  for (let m = 0; m < act; m++) {
    const k = classIdx[sBase + m] as number;
    const delta = (alphaNew[m] as number) - (alpha[aBase + k] as number);
    alpha[aBase + k] = alphaNew[m] as number;
    if (Math.abs(delta) >= 1e-12) {
      dInd[nz] = k;
      dVal[nz] = delta;
      nz++;
    }
    if (k === y) st.sumAlphaY += delta;
  }
  let maxAbs = 0;
  for (let t = 0; t < nz; t++) maxAbs = Math.max(maxAbs, Math.abs(dVal[t] as number));
  st.drift += maxAbs * Math.sqrt(Aii);
  if (inPlace) kern.axpyAt(nz, at);
  else kern.axpy(nz);
  return viol;
}

function zeroRowSlack(alpha: Float64Array, aBase: number, K: number, slack: number): number {
  for (let k = 0; k < K; k++) if (alpha[aBase + k] !== 0) return -1;
  return slack;
}

function isShrinkable(st: CsState, aBase: number, sBase: number, m: number, yp: number, minG: number): boolean {
  const bound = m === yp ? st.C : 0;
  return st.alpha[aBase + (st.classIdx[sBase + m] as number)] === bound && (st.G[m] as number) < minG;
}

function swapClass(st: CsState, sBase: number, a: number, b: number): void {
  const ci = st.classIdx;
  const t = ci[sBase + a] as number;
  ci[sBase + a] = ci[sBase + b] as number;
  ci[sBase + b] = t;
  const g = st.G[a] as number;
  st.G[a] = st.G[b] as number;
  st.G[b] = g;
}
