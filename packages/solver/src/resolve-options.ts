import { InvalidOptionError } from '@dualxda/core';
import type { ResolvedSolverOptions, SolverOptions } from './types.js';

/**
 * Defaults of `SolverOptions`. Tolerance is scikit-learn's 1e-4 (what DualDA uses), not the
 * LIBLINEAR CLI's 0.1; maxPasses is LIBLINEAR's internal max_iter (dualda.md §1.3).
 */
export const DEFAULT_SOLVER_OPTIONS = Object.freeze({
  C: 1,
  tolerance: 1e-4,
  maxPasses: 100_000,
  timeBudgetMs: Number.POSITIVE_INFINITY,
  stallTolerance: 0,
  stallPasses: 5,
  biasScale: 1,
  seed: 1,
  shrinking: true,
  threads: 0,
  innerPasses: 3,
  hotRows: 20_000,
});

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !(v > 0) || Number.isNaN(v)) throw new InvalidOptionError(name, `must be a number > 0, got ${String(v)}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0)) throw new InvalidOptionError(name, `must be a number >= 0, got ${String(v)}`);
  return v;
}

function integer(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new InvalidOptionError(name, `must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** Validates `opts` (messages name the option key) and fills in `DEFAULT_SOLVER_OPTIONS`. */
export function resolveSolverOptions(opts: SolverOptions = {}): ResolvedSolverOptions {
  const d = DEFAULT_SOLVER_OPTIONS;
  const C = positive('C', opts.C ?? d.C);
  if (!Number.isFinite(C)) throw new InvalidOptionError('C', `must be finite, got ${C}`);
  const tolerance = positive('tolerance', opts.tolerance ?? d.tolerance);
  const timeBudgetMs = positive('timeBudgetMs', opts.timeBudgetMs ?? d.timeBudgetMs);
  const stallTolerance = nonNegative('stallTolerance', opts.stallTolerance ?? d.stallTolerance);
  const biasScale = nonNegative('biasScale', opts.biasScale ?? d.biasScale);
  if (!Number.isFinite(biasScale)) throw new InvalidOptionError('biasScale', `must be finite, got ${biasScale}`);
  const seed = opts.seed ?? d.seed;
  if (!Number.isInteger(seed)) throw new InvalidOptionError('seed', `must be an integer, got ${String(seed)}`);
  for (const k of ['shouldStop', 'onProgress'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'function') throw new InvalidOptionError(k, 'must be a function');
  }
  return {
    C,
    tolerance,
    maxPasses: integer('maxPasses', opts.maxPasses ?? d.maxPasses, 1),
    timeBudgetMs,
    stallTolerance,
    stallPasses: integer('stallPasses', opts.stallPasses ?? d.stallPasses, 1),
    biasScale,
    seed,
    shrinking: opts.shrinking ?? d.shrinking,
    shouldStop: opts.shouldStop,
    signal: opts.signal,
    onProgress: opts.onProgress,
    warmStart: opts.warmStart,
    threads: integer('threads', opts.threads ?? d.threads, 0),
    innerPasses: integer('innerPasses', opts.innerPasses ?? d.innerPasses, 1),
    hotRows: integer('hotRows', opts.hotRows ?? d.hotRows, 0),
  };
}
