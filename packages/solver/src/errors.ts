import { DualxdaError } from '@dualxda/core';

/**
 * The training data handed to a solver is unusable (NaN features, fewer than two classes, ...).
 * `field` names the offending input ('features', 'labels', 'source', 'warmStart').
 */
export class SolverInputError extends DualxdaError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('SolverInputError', `${field}: ${message}`);
  }
}
