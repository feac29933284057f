import { isDualxdaError } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOLVER_OPTIONS, resolveSolverOptions } from './resolve-options.js';

describe('resolveSolverOptions', () => {
  it('fills in exactly the documented defaults', () => {
    const r = resolveSolverOptions();
    expect(r).toMatchObject({ ...DEFAULT_SOLVER_OPTIONS });
    expect(DEFAULT_SOLVER_OPTIONS).toEqual({
      C: 1,
      tolerance: 1e-4,
      maxPasses: 100_000,
      timeBudgetMs: Infinity,
      stallTolerance: 0,
      stallPasses: 5,
      biasScale: 1,
      seed: 1,
      shrinking: true,
      threads: 0,
      innerPasses: 3,
      hotRows: 20_000,
    });
  });

  it.each([
    ['C', { C: 0 }],
    ['C', { C: -1 }],
    ['C', { C: Number.NaN }],
    ['C', { C: Infinity }],
    ['tolerance', { tolerance: 0 }],
    ['maxPasses', { maxPasses: 1.5 }],
    ['timeBudgetMs', { timeBudgetMs: -5 }],
    ['stallTolerance', { stallTolerance: -1 }],
    ['biasScale', { biasScale: Number.NaN }],
    ['seed', { seed: 0.5 }],
    ['threads', { threads: -1 }],
    ['shouldStop', { shouldStop: 3 as unknown as () => boolean }],
  ])('rejects bad %s with an InvalidOptionError naming it', (name, opts) => {
    let err: unknown;
    try {
      resolveSolverOptions(opts);
    } catch (e) {
      err = e;
    }
    expect(isDualxdaError(err, 'InvalidOptionError')).toBe(true);
    expect((err as { option: string }).option).toBe(name);
    expect((err as Error).message).toContain(name);
  });
});
