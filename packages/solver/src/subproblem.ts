/**
 * Closed-form solution of one sample's sub-problem (LIBLINEAR `solve_sub_problem`, dualda.md §6):
 * minimise ½ A Σ_m (α^m)² + Σ_m B_m α^m  s.t. α^m ≤ bound(m), Σ_m α^m fixed, over the first
 * `active` entries. `sorted` is caller-owned scratch of length ≥ active; writes `out[0..active)`.
 */
export function solveSubproblem(
  A: number,
  B: Float64Array,
  yPos: number,
  C: number,
  active: number,
  sorted: Float64Array,
  out: Float64Array,
): Float64Array {
  for (let m = 0; m < active; m++) sorted[m] = B[m] as number;
  if (yPos < active) sorted[yPos] = (sorted[yPos] as number) + A * C;
  // Insertion sort, descending: K is small (classes), so this beats a generic sort with no allocation.
  for (let a = 1; a < active; a++) {
    const v = sorted[a] as number;
    let b = a - 1;
    while (b >= 0 && (sorted[b] as number) < v) {
      sorted[b + 1] = sorted[b] as number;
      b--;
    }
    sorted[b + 1] = v;
  }
  // The unconditional -A*C is right whether or not y is active (substitution α'_y = α_y − C).
  let beta = (sorted[0] as number) - A * C;
  let r = 1;
  while (r < active && beta < r * (sorted[r] as number)) {
    beta += sorted[r] as number;
    r++;
  }
  beta /= r;
  for (let m = 0; m < active; m++) {
    const v = (beta - (B[m] as number)) / A;
    out[m] = m === yPos ? Math.min(C, v) : Math.min(0, v);
  }
  return out;
}
