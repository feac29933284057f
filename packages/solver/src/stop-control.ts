import { checkFiniteDual } from './numeric-guards.js';
import type { ResolvedSolverOptions, StopReason } from './types.js';

/** Pass-boundary stop logic shared by every mode (time budget, abort, stall, pass cap). */
export interface StopControl {
  readonly startMs: number;
  lastDual: number;
  stalled: number;
}

/** Starts the clock. */
export function createStopControl(): StopControl {
  return { startMs: performance.now(), lastDual: Number.NaN, stalled: 0 };
}

/** Seconds since start. */
export function elapsedSeconds(sc: StopControl): number {
  return (performance.now() - sc.startMs) / 1000;
}

/**
 * Called after every outer pass with the pass count and the current dual objective; returns a
 * reason to stop or undefined (throws `SolverNumericError` on a non-finite dual). Tolerance is decided by the caller (it depends on shrinking).
 */
export function checkStop(sc: StopControl, o: ResolvedSolverOptions, passes: number, dual: number): StopReason | undefined {
  // Break on NaN (convention 9): a diverged solve is an error, never a result.
  checkFiniteDual(dual, passes, o.C);
  if (o.signal?.aborted || o.shouldStop?.()) return 'aborted';
  if (performance.now() - sc.startMs >= o.timeBudgetMs) return 'timeBudget';
  if (o.stallTolerance > 0 && Number.isFinite(sc.lastDual)) {
    const rel = Math.abs(dual - sc.lastDual) / Math.max(Math.abs(dual), 1e-300);
    sc.stalled = rel < o.stallTolerance ? sc.stalled + 1 : 0;
    if (sc.stalled >= o.stallPasses) return 'stalled';
  }
  sc.lastDual = dual;
  if (passes >= o.maxPasses) return 'maxPasses';
  return undefined;
}
