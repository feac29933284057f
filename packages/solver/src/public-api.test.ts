import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/solver public api', () => {
  it('exports exactly the curated names', () => {
    expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_SOLVER_OPTIONS",
        "SolverInputError",
        "SolverNumericError",
        "allocateSolverRows",
        "maxCForData",
        "resolveSolverOptions",
        "solveCrammerSinger",
        "solveCrammerSingerAsync",
        "solveCrammerSingerBlocks",
        "solveCrammerSingerInWorker",
        "solveCrammerSingerParallel",
      ]
    `);
  });
});
