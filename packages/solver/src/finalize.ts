import { accumulateDiagnostics, createDiagnostics, objectives } from './diagnostics.js';
import { type InMemoryProblem, fullWeights } from './problem.js';
import { buildResult } from './result.js';
import type { PassLoopResult } from './serial.js';
import type { SolverResult } from './types.js';

/** Full-data KKT/objective evaluation of an in-memory problem and the public result. */
export function finalizeInMemory(p: InMemoryProblem, C: number, biasScale: number, loop: PassLoopResult, startMs: number): SolverResult {
  const acc = createDiagnostics();
  accumulateDiagnostics(acc, p.w, p.alpha, p.y, p.K, p.D, C, p.x, 0, p.n, 0, new Float64Array(p.K), p.bias);
  const { primal, dual } = objectives(acc, p.w, C);
  return buildResult(p.alpha, fullWeights(p), {
    n: p.n,
    K: p.K,
    d: p.d,
    biasScale,
    C,
    iterations: loop.iterations,
    stopReason: loop.stopReason,
    maxViolation: acc.maxViolation,
    primal,
    dual,
    accuracy: acc.correct / Math.max(1, acc.rows),
    seconds: (performance.now() - startMs) / 1000,
    labelMapping: p.mapping,
  });
}
