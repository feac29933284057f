/**
 * Small statistics helpers shared by the evaluation metrics, matching scipy/sklearn semantics:
 * average ranks for ties, NaN when a correlation is undefined (constant input).
 */

/** A dense row-major score matrix (e.g. explanations, test rows × training rows). */
export interface ScoreMatrix {
  data: ArrayLike<number>;
  shape: readonly [number, number] | readonly number[];
}

/** Rows and columns of a score matrix, checked against its data length. */
export function matrixDims(m: ScoreMatrix, where: string): [number, number] {
  const [rows, cols] = m.shape as [number, number];
  if (m.shape.length !== 2 || rows * cols !== m.data.length) {
    throw new RangeError(`${where}: shape [${m.shape.join(', ')}] does not match ${m.data.length} elements`);
  }
  return [rows, cols];
}

/** 1-based ranks with ties given their average rank (scipy.stats.rankdata 'average'). */
export function averageRanks(x: ArrayLike<number>, off = 0, len = x.length): Float64Array {
  const order = Array.from({ length: len }, (_, q) => q).sort((a, b) => (x[off + a] as number) - (x[off + b] as number) || a - b);
  const ranks = new Float64Array(len);
  let q = 0;
  while (q < len) {
    let r = q;
    while (r + 1 < len && x[off + (order[r + 1] as number)] === x[off + (order[q] as number)]) r++;
    const avg = (q + r) / 2 + 1;
    for (let s = q; s <= r; s++) ranks[order[s] as number] = avg;
    q = r + 1;
  }
  return ranks;
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let q = 0; q < n; q++) {
    mx += x[q] as number;
    my += y[q] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let q = 0; q < n; q++) {
    const a = (x[q] as number) - mx;
    const b = (y[q] as number) - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Spearman rank correlation (Pearson on average ranks), as scipy.stats.spearmanr / torchmetrics. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: lengths ${x.length} and ${y.length} differ`);
  return pearson(averageRanks(x), averageRanks(y));
}

/** Kendall tau-b (scipy.stats.kendalltau default, torchmetrics default); O(n²), for short vectors. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`kendallTauB: lengths ${n} and ${y.length} differ`);
  let conc = 0, disc = 0, tieX = 0, tieY = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const dx = Math.sign((x[a] as number) - (x[b] as number));
      const dy = Math.sign((y[a] as number) - (y[b] as number));
      if (dx === 0) tieX++;
      if (dy === 0) tieY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) conc++;
        else disc++;
      }
    }
  }
  const tot = (n * (n - 1)) / 2;
  const den = Math.sqrt((tot - tieX) * (tot - tieY));
  return den === 0 ? NaN : (conc - disc) / den;
}

/** Cosine similarity; 0 when either vector is all zeros (documented choice, torch uses an eps). */
export function cosine(x: ArrayLike<number>, xo: number, y: ArrayLike<number>, yo: number, len: number): number {
  let xy = 0, xx = 0, yy = 0;
  for (let q = 0; q < len; q++) {
    const a = x[xo + q] as number;
    const b = y[yo + q] as number;
    xy += a * b;
    xx += a * a;
    yy += b * b;
  }
  return xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
}

/**
 * Indices of the k largest entries of row `off..off+len` (descending; ties by ascending index, a
 * deterministic stand-in for torch.topk's unspecified tie order).
 */
export function topIndices(x: ArrayLike<number>, off: number, len: number, k: number): number[] {
  const idx = Array.from({ length: len }, (_, q) => q);
  idx.sort((a, b) => (x[off + b] as number) - (x[off + a] as number) || a - b);
  return idx.slice(0, Math.min(k, len));
}

/** Mean of the entries (NaN propagates; NaN for an empty input). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let q = 0; q < x.length; q++) s += x[q] as number;
  return x.length === 0 ? NaN : s / x.length;
}
