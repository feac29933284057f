/** Feature rows as the solver reads them: the caller's Float32 data is used as is (no Float64 copy). */
export type Rows = Float32Array | Float64Array;

/**
 * G[m] = w̃_{classIdx[sBase+m]} · x̃ for the first `act` class slots (the K dot products of one row),
 * where x̃ = [x ; bias]: the row's D − 1 features start at x[xOff] and the bias value is passed
 * (it is not stored per row, so the caller's Float32 rows serve without a copy). The bias term is
 * added last, as in LIBLINEAR (its bias node ends each row).
 * Classes go four (then two, then one) at a time so each x element is loaded once per group: in
 * V8, which does not vectorise, that is ~1.3x faster than one class at a time (micro-benchmark in
 * docs/solver.md). W̃ is K x D row-major. Never allocates.
 */
export function classDots(w: Float64Array, D: number, x: Rows, xOff: number, classIdx: Int32Array, sBase: number, act: number, G: Float64Array, bias: number): void {
  const end = xOff + D - 1;
  let m = 0;
  for (; m + 3 < act; m += 4) {
    const w0 = (classIdx[sBase + m] as number) * D - xOff;
    const w1 = (classIdx[sBase + m + 1] as number) * D - xOff;
    const w2 = (classIdx[sBase + m + 2] as number) * D - xOff;
    const w3 = (classIdx[sBase + m + 3] as number) * D - xOff;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = xOff; j < end; j++) {
      const v = x[j] as number;
      s0 += (w[w0 + j] as number) * v;
      s1 += (w[w1 + j] as number) * v;
      s2 += (w[w2 + j] as number) * v;
      s3 += (w[w3 + j] as number) * v;
    }
    G[m] = s0 + (w[w0 + end] as number) * bias;
    G[m + 1] = s1 + (w[w1 + end] as number) * bias;
    G[m + 2] = s2 + (w[w2 + end] as number) * bias;
    G[m + 3] = s3 + (w[w3 + end] as number) * bias;
  }
  for (; m + 1 < act; m += 2) {
    const w0 = (classIdx[sBase + m] as number) * D - xOff;
    const w1 = (classIdx[sBase + m + 1] as number) * D - xOff;
    let s0 = 0, s1 = 0;
    for (let j = xOff; j < end; j++) {
      const v = x[j] as number;
      s0 += (w[w0 + j] as number) * v;
      s1 += (w[w1 + j] as number) * v;
    }
    G[m] = s0 + (w[w0 + end] as number) * bias;
    G[m + 1] = s1 + (w[w1 + end] as number) * bias;
  }
  if (m < act) {
    const w0 = (classIdx[sBase + m] as number) * D - xOff;
    let s0 = 0, s1 = 0;
    let j = xOff;
    for (; j + 1 < end; j += 2) {
      s0 += (w[w0 + j] as number) * (x[j] as number);
      s1 += (w[w0 + j + 1] as number) * (x[j + 1] as number);
    }
    if (j < end) s0 += (w[w0 + j] as number) * (x[j] as number);
    G[m] = s0 + s1 + (w[w0 + end] as number) * bias;
  }
}
