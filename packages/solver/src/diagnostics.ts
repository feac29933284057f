import { type Rows, classDots } from './gradients.js';

/**
 * Full-data diagnostics at a given alpha: KKT violation over all classes (no shrinking), the
 * hinge sum of the primal, and the objectives. Accumulates block by block so the out-of-core
 * solver can stream rows through it.
 */
export interface DiagnosticsAccumulator {
  maxViolation: number;
  hingeSum: number;
  sumAlphaY: number;
  correct: number;
  rows: number;
}

/** A fresh accumulator. */
export function createDiagnostics(): DiagnosticsAccumulator {
  return { maxViolation: 0, hingeSum: 0, sumAlphaY: 0, correct: 0, rows: 0 };
}

/**
 * Adds rows [0, rows) of x (D − 1 features per row, starting at xOff; x̃ = [x ; bias]) with global
 * indices firstRow + r to `acc`. `g` is caller-owned scratch of length K.
 */
export function accumulateDiagnostics(
  acc: DiagnosticsAccumulator,
  w: Float64Array,
  alpha: Float64Array,
  y: Int32Array,
  K: number,
  D: number,
  C: number,
  x: Rows,
  xOff: number,
  rows: number,
  firstRow: number,
  g: Float64Array,
  bias: number,
): void {
  const classes = new Int32Array(K);
  for (let m = 0; m < K; m++) classes[m] = m;
  for (let r = 0; r < rows; r++) {
    const i = firstRow + r;
    const o = xOff + r * (D - 1);
    const yi = y[i] as number;
    let maxG = -Infinity, minG = Infinity, best = 0;
    let nan = false;
    classDots(w, D, x, o, classes, 0, K, g, bias);
    for (let m = 0; m < K; m++) {
      const s = (g[m] as number) + (m === yi ? 0 : 1);
      g[m] = s;
      if (s !== s) nan = true;
      if (s > maxG) maxG = s;
      const bound = m === yi ? C : 0;
      if ((alpha[i * K + m] as number) < bound && s < minG) minG = s;
    }
    for (let m = 1; m < K; m++) {
      const sm = (g[m] as number) - (m === yi ? 0 : 1);
      const sb = (g[best] as number) - (best === yi ? 0 : 1);
      if (sm > sb) best = m;
    }
    if (best === yi) acc.correct++;
    acc.hingeSum += maxG - (g[yi] as number);
    // A NaN gradient makes the violation NaN for good (comparisons would skip it), so a diverged
    // solve cannot report a violation of 0.
    if (nan) acc.maxViolation = Number.NaN;
    else if (maxG - minG > acc.maxViolation) acc.maxViolation = maxG - minG;
    acc.sumAlphaY += alpha[i * K + yi] as number;
    acc.rows++;
  }
}

/** ½‖W̃‖². */
export function halfSquaredNorm(w: Float64Array): number {
  let s = 0;
  for (let t = 0; t < w.length; t++) s += (w[t] as number) * (w[t] as number);
  return 0.5 * s;
}

/** Objectives from a finished accumulator: primal, dual (to maximise) and their gap. */
export function objectives(acc: DiagnosticsAccumulator, w: Float64Array, C: number): { primal: number; dual: number; gap: number } {
  const half = halfSquaredNorm(w);
  const primal = half + C * acc.hingeSum;
  const dual = acc.sumAlphaY - half;
  return { primal, dual, gap: primal - dual };
}
