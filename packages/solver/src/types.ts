/** Public types of the Crammer–Singer solver. Math: shared/reference/dualda.md sections 1.3-1.5 and 6. */

/** Row-major n x d feature matrix (plain struct, like core's Tensor without strides). */
export interface FeatureMatrix {
  data: Float32Array | Float64Array;
  shape: readonly [number, number] | number[];
}

/** Why the solver stopped. */
export type StopReason = 'tolerance' | 'maxPasses' | 'timeBudget' | 'stalled' | 'aborted';

/** A previous solution to start from: `svIndices` rows with `svAlpha` (nSV x K row-major). */
export interface WarmStart {
  svIndices: Int32Array;
  svAlpha: Float64Array;
}

/** Progress report sent after every outer pass. */
export interface SolverProgress {
  pass: number;
  maxViolation: number;
  dualObjective: number;
  activeRows: number;
  seconds: number;
}

/**
 * Options of every solver entry point. Defaults: `DEFAULT_SOLVER_OPTIONS`.
 */
export interface SolverOptions {
  /** Regularisation constant, > 0. @default 1 */
  C?: number;
  /** Stop when the max KKT violation of a pass over all rows is below this (sklearn's tol). @default 1e-4 */
  tolerance?: number;
  /** Cap on outer passes (LIBLINEAR's hard-coded max_iter). @default 100000 */
  maxPasses?: number;
  /** Wall-clock budget in milliseconds; Infinity = none. @default Infinity */
  timeBudgetMs?: number;
  /** Stop when |ΔD|/|D| between passes stays below this for `stallPasses` passes; 0 disables. @default 0 */
  stallTolerance?: number;
  /** Consecutive stalled passes that trigger the 'stalled' stop. @default 5 */
  stallPasses?: number;
  /** Value of the appended bias feature (LIBLINEAR -B); regularised like the weights. @default 1 */
  biasScale?: number;
  /** Seed of the per-pass shuffle. @default 1 */
  seed?: number;
  /** Use LIBLINEAR's shrinking heuristic. @default true */
  shrinking?: boolean;
  /** Called between passes; returning true stops with reason 'aborted'. */
  shouldStop?: () => boolean;
  /**
   * Aborting stops at the next pass boundary with reason 'aborted'. The synchronous
   * `solveCrammerSinger` never yields to the event loop, so there only aborts made inside
   * callbacks (or from another thread) are seen; use `timeBudgetMs` for time limits.
   */
  signal?: AbortSignal;
  /** Called after every outer pass. */
  onProgress?: (p: SolverProgress) => void;
  /** Start from this alpha (rescaled into the feasible set of the current C). */
  warmStart?: WarmStart;
  /** Worker threads of the parallel solver; 0 = all cores. @default 0 */
  threads?: number;
  /** Block mode: inner passes per loaded block. @default 3 */
  innerPasses?: number;
  /** Block mode: how many support-vector rows (from other blocks) stay in memory. @default 20000 */
  hotRows?: number;
}

/** Options after validation; every field present. */
export interface ResolvedSolverOptions {
  C: number;
  tolerance: number;
  maxPasses: number;
  timeBudgetMs: number;
  stallTolerance: number;
  stallPasses: number;
  biasScale: number;
  seed: number;
  shrinking: boolean;
  shouldStop: (() => boolean) | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((p: SolverProgress) => void) | undefined;
  warmStart: WarmStart | undefined;
  threads: number;
  innerPasses: number;
  hotRows: number;
}

/** What every solver returns. */
export interface SolverResult {
  /** Rows with a non-zero alpha row (ascending, original row order). */
  svIndices: Int32Array;
  /** nSV x K, row-major: alpha[i, m] with alpha[i, y_i] in [0, C], others <= 0, rows sum to 0. */
  svAlpha: Float64Array;
  /** K x d row-major: weights[m] = sum_i alpha[i, m] x_i. */
  weights: Float64Array;
  /** K: bias[m] = biasScale² · Σ_i alpha[i, m] (sklearn's intercept_; column sums of alpha at biasScale 1). */
  bias: Float64Array;
  classes: number;
  dim: number;
  iterations: number;
  converged: boolean;
  stopReason: StopReason;
  /** Max KKT violation over all rows and classes at the returned alpha. */
  maxViolation: number;
  /** Dual objective to maximise, D(alpha) = -(½‖W̃‖² + Σ_i Σ_{m≠y_i} α_i^m); LIBLINEAR prints -D. */
  dualObjective: number;
  /** ½‖W̃‖² + C Σ_i max_m (e_i^m + w̃_m·x̃_i − w̃_{y_i}·x̃_i). */
  primalObjective: number;
  /** primalObjective − dualObjective (≥ 0). */
  dualityGap: number;
  supportVectorCount: number;
  /**
   * Share of the training rows whose argmax_m (weights_m·x + bias_m) is their own label (ties: the
   * lower class), from the same final pass over all rows that computes the objectives.
   */
  trainAccuracy: number;
  seconds: number;
  /** Present when the labels were not already 0..K-1: mapping[k] = original label of class k. */
  labelMapping?: Int32Array;
}
