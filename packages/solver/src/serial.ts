import { ROW_SHRUNK, createCsState, initRow, reactivateClasses } from './cs-kernel.js';
import { halfSquaredNorm } from './diagnostics.js';
import { createScreening, screenedUpdate } from './screening.js';
import type { InMemoryProblem } from './problem.js';
import { createRng, shufflePrefix } from './rng.js';
import { type StopControl, checkStop, elapsedSeconds } from './stop-control.js';
import type { ResolvedSolverOptions, StopReason } from './types.js';

/** Outcome of the pass loop. */
export interface PassLoopResult {
  iterations: number;
  stopReason: StopReason;
  /** eps_shrink when the loop stopped (a caller that continues the schedule starts from it). */
  epsShrink?: number;
}

/**
 * LIBLINEAR's outer loop (dualda.md §6): shuffled passes over the active rows, shrinking with a
 * halving eps_shrink, and convergence only on a pass that started from the full active set.
 * `startEpsShrink` (default LIBLINEAR's max(10·tol, 1)) lets a warm start near the optimum skip
 * the re-activation passes of the coarse levels (the threaded solver's final serial loop).
 */
export function runSerialPasses(p: InMemoryProblem, o: ResolvedSolverOptions, sc: StopControl, seedOffset = 0, startEpsShrink = Math.max(10 * o.tolerance, 1)): PassLoopResult {
  const { n, D, K, x, q, y } = p;
  const st = createCsState(n, K, D, o.C, p.alpha, p.w);
  st.sumAlphaY = p.sumAlphaY;
  for (let i = 0; i < n; i++) initRow(st, i, y[i] as number);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = createRng(o.seed + seedOffset);
  let active = n;
  let epsShrink = startEpsShrink;
  let startFromAll = true;
  let passes = 0;
  const screen = o.shrinking ? createScreening(n, q, K, D) : undefined;
  for (;;) {
    let viol = -Infinity;
    shufflePrefix(rng, order, active);
    for (let s = 0; s < active; s++) {
      const i = order[s] as number;
      const v = screenedUpdate(st, screen, i, i, y[i] as number, x, i * D, q[i] as number, o.shrinking);
      if (v === ROW_SHRUNK) {
        active--;
        order[s] = order[active] as number;
        order[active] = i;
        s--;
      } else if (v > viol) viol = v;
    }
    passes++;
    p.sumAlphaY = st.sumAlphaY;
    if (viol < epsShrink) {
      if (viol < o.tolerance && startFromAll) return { iterations: passes, stopReason: 'tolerance' };
      active = n;
      reactivateClasses(st, n);
      epsShrink = Math.max(epsShrink / 2, o.tolerance);
      startFromAll = true;
    } else startFromAll = false;
    const dual = st.sumAlphaY - halfSquaredNorm(p.w);
    o.onProgress?.({ pass: passes, maxViolation: viol, dualObjective: dual, activeRows: active, seconds: elapsedSeconds(sc) });
    const stop = checkStop(sc, o, passes, dual);
    if (stop) return { iterations: passes, stopReason: stop, epsShrink };
  }
}
