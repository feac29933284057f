import { ROW_SHRUNK, copyW, createCsState, initRow, reactivateClasses } from './cs-kernel.js';
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

/** LIBLINEAR's outer loop advanced one pass at a time: `step()` returns the result once it stops. */
export interface PassLoop {
  step(): PassLoopResult | undefined;
  /** Passes run so far and the current eps_shrink (a caller that continues the schedule starts from them). */
  readonly passes: number;
  readonly epsShrink: number;
}

/**
 * LIBLINEAR's outer loop (dualda.md §6): shuffled passes over the active rows, shrinking with a
 * halving eps_shrink, and convergence only on a pass that started from the full active set.
 * `startEpsShrink` (default LIBLINEAR's max(10·tol, 1)) lets a warm start near the optimum skip
 * the re-activation passes of the coarse levels (the threaded solver's final serial loop).
 * One `step()` is one pass, so a caller can yield to its event loop between passes
 * (`solveCrammerSingerAsync`).
 */
export function createPassLoop(p: InMemoryProblem, o: ResolvedSolverOptions, sc: StopControl, seedOffset = 0, startEpsShrink = Math.max(10 * o.tolerance, 1)): PassLoop {
  const { n, D, dx, K, x, q, y } = p;
  const st = createCsState(n, K, D, o.C, p.alpha, p.w, p.bias, x);
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
  const shrinking = o.shrinking;
  /** One shuffled pass over the active rows; returns its max violation. */
  const pass = (): number => {
    let viol = -Infinity;
    let act = active;
    shufflePrefix(rng, order, act);
    for (let s = 0; s < act; s++) {
      const i = order[s] as number;
      const v = screenedUpdate(st, screen, i, i, y[i] as number, x, i * dx, q[i] as number, shrinking);
      if (v === ROW_SHRUNK) {
        act--;
        order[s] = order[act] as number;
        order[act] = i;
        s--;
      } else if (v > viol) viol = v;
    }
    active = act;
    return viol;
  };
  return {
    get passes() {
      return passes;
    },
    get epsShrink() {
      return epsShrink;
    },
    step(): PassLoopResult | undefined {
      const viol = pass();
      passes++;
      copyW(st, p.w);
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
      return stop ? { iterations: passes, stopReason: stop, epsShrink } : undefined;
    },
  };
}

/** `createPassLoop` run to its end on this thread. */
export function runSerialPasses(p: InMemoryProblem, o: ResolvedSolverOptions, sc: StopControl, seedOffset = 0, startEpsShrink = Math.max(10 * o.tolerance, 1)): PassLoopResult {
  const loop = createPassLoop(p, o, sc, seedOffset, startEpsShrink);
  for (;;) {
    const r = loop.step();
    if (r) return r;
  }
}
