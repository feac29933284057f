/**
 * Safe screening of shrunk non-support-vector rows at LIBLINEAR's re-activation passes.
 *
 * After each re-activation LIBLINEAR recomputes all K gradients of every row, and most rows (α_i = 0,
 * margin ≥ 1 against every other class) are shrunk again at once. Such a row's outcome is decided
 * by its slack s = G_y − max_{m≠y} G_m > 0, and each G_m moves by at most ‖Δw̃_m‖·‖x̃_i‖. So if the
 * slack recorded when the row was last evaluated exceeds 2·(max_m ‖Δw̃_m‖ since then)·‖x̃_i‖, the row
 * would be shrunk again with no other effect: we skip it without its K dot products. The iterates
 * are LIBLINEAR's (a skipped row is exactly a row LIBLINEAR would shrink).
 *
 * ‖Δw̃‖ is bounded through checkpoints: W̃ is snapshotted every SEGMENT evaluated rows, the exact
 * max_m ‖w̃_m(snap_r) − w̃_m(snap_c)‖ is computed on demand (once per anchor segment and current
 * segment), and the stretches inside a segment are bounded by the kernel's drift clock (path length
 * of the updates, cs-kernel.ts).
 */
import { type CsState, ROW_SHRUNK, updateSample } from './cs-kernel.js';
import type { Rows } from './gradients.js';

const SEGMENT = 4096;
/** Memory for W̃ snapshots; past it the oldest are dropped and rows anchored there are evaluated. */
const SNAPSHOT_BYTES = 64 * 1024 * 1024;

export interface Screening {
  K: number;
  D: number;
  /** Per row: slack at its last full evaluation (> 0: certifiable), else 0. */
  slack: Float64Array;
  /** Per row: drift clock and segment of that evaluation. */
  anchor: Float64Array;
  anchorSeg: Int32Array;
  /** Per row: ‖x̃_i‖. */
  xnorm: Float64Array;
  /** Per segment: W̃ (undefined once dropped for memory) and the drift clock at its start. */
  snaps: (Float64Array | undefined)[];
  /** Snapshots kept at most (≥ 2), from SNAPSHOT_BYTES. */
  maxSnaps: number;
  segZ: number[];
  /** dist[r] = max_m ‖w̃_m(snap_r) − w̃_m(snap_current)‖, NaN until needed. */
  dist: Float64Array;
  evaluated: number;
  skipped: number;
}

/** Bookkeeping for n rows whose Q_ii are `q`, over a K x D W̃; snapshots use ≤ `snapshotBytes` (about). */
export function createScreening(n: number, q: Float64Array, K: number, D: number, snapshotBytes = SNAPSHOT_BYTES): Screening {
  const xnorm = new Float64Array(n);
  for (let i = 0; i < n; i++) xnorm[i] = Math.sqrt(q[i] as number);
  return {
    K, D,
    slack: new Float64Array(n),
    anchor: new Float64Array(n),
    anchorSeg: new Int32Array(n),
    xnorm,
    snaps: [],
    maxSnaps: Math.max(2, Math.floor(snapshotBytes / (8 * K * D))),
    segZ: [],
    dist: new Float64Array(64),
    evaluated: 0,
    skipped: 0,
  };
}

function newSegment(sc: Screening, w: Float64Array, drift: number): void {
  const old = sc.snaps.length - sc.maxSnaps;
  let buf: Float64Array | undefined;
  if (old >= 0) {
    buf = sc.snaps[old];
    sc.snaps[old] = undefined;
  }
  sc.snaps.push(buf ? (buf.set(w), buf) : Float64Array.from(w));
  sc.segZ.push(drift);
  if (sc.dist.length < sc.snaps.length) sc.dist = new Float64Array(2 * sc.snaps.length);
  sc.dist.fill(Number.NaN);
  sc.evaluated = 0;
}

/** Call before evaluating a row: starts the first segment and a new one every SEGMENT rows. */
export function tick(sc: Screening, w: Float64Array, drift: number): void {
  if (sc.snaps.length === 0 || sc.evaluated >= SEGMENT) newSegment(sc, w, drift);
  sc.evaluated++;
}

/** Records the outcome of evaluating row i (its slack from the kernel, or ≤ 0). */
export function recordRow(sc: Screening, i: number, slack: number, drift: number): void {
  sc.slack[i] = slack > 0 ? slack : 0;
  sc.anchor[i] = drift;
  sc.anchorSeg[i] = sc.snaps.length - 1;
}

/** max_m ‖w̃_m(snap_r) − w̃_m(snap_current)‖, Infinity when snap_r was dropped. */
function distTo(sc: Screening, r: number): number {
  const cached = sc.dist[r] as number;
  if (!Number.isNaN(cached)) return cached;
  const a = sc.snaps[r];
  if (!a) return Infinity;
  const b = sc.snaps[sc.snaps.length - 1] as Float64Array;
  let worst = 0;
  for (let k = 0; k < sc.K; k++) {
    let s = 0;
    for (let j = k * sc.D; j < (k + 1) * sc.D; j++) {
      const v = (a[j] as number) - (b[j] as number);
      s += v * v;
    }
    if (s > worst) worst = s;
  }
  sc.dist[r] = Math.sqrt(worst);
  return sc.dist[r] as number;
}

/** True when row i is certain to be shrunk again at the current W̃ (drift clock `drift`). */
export function canSkip(sc: Screening, i: number, drift: number): boolean {
  const s = sc.slack[i] as number;
  if (!(s > 0) || sc.snaps.length === 0) return false;
  const r = sc.anchorSeg[i] as number;
  const a = sc.anchor[i] as number;
  const c = sc.snaps.length - 1;
  let bound: number;
  if (r === c) bound = drift - a;
  else {
    // ‖w(now) − w(t_i)‖ ≤ ‖w(now) − snap_c‖ + min over the two checkpoints around t_i.
    let via = a - (sc.segZ[r] as number) + distTo(sc, r);
    const after = (sc.segZ[r + 1] as number) - a;
    if (after < via) via = Math.min(via, after + distTo(sc, r + 1));
    bound = drift - (sc.segZ[c] as number) + via;
  }
  // The margin absorbs rounding in the slack and the bound (G is O(1), computed to ~1e-15).
  return s > 2 * bound * (sc.xnorm[i] as number) + 1e-9 * (1 + s);
}

/**
 * `updateSample` behind the screen: a certified row returns ROW_SHRUNK without being evaluated;
 * an evaluated row that is shrunk records its slack. `li` indexes both the kernel's and the
 * screen's per-row state; `sc` undefined = plain `updateSample`.
 */
export function screenedUpdate(st: CsState, sc: Screening | undefined, i: number, li: number, y: number, x: Rows, xOff: number, Aii: number, shrink: boolean): number {
  if (!sc) return updateSample(st, i, li, y, x, xOff, Aii, shrink);
  if (st.activeK[li] === st.K && canSkip(sc, li, st.drift)) {
    sc.skipped++;
    return ROW_SHRUNK;
  }
  tick(sc, st.w, st.drift);
  const v = updateSample(st, i, li, y, x, xOff, Aii, shrink);
  if (v === ROW_SHRUNK) recordRow(sc, li, st.lastSlack, st.drift);
  return v;
}
