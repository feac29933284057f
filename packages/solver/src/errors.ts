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

/**
 * The solve would overflow or did produce a non-finite value (NaN/±Inf), usually because C is
 * absurdly large for the data. `field` names what is wrong: 'C' (refused before solving) or the
 * non-finite result ('alpha', 'weights', 'bias', 'dualObjective', 'primalObjective',
 * 'maxViolation'). No result is returned, so no model can be saved from it.
 */
export class SolverNumericError extends DualxdaError {
  constructor(
    readonly field: string,
    message: string,
    readonly C: number,
  ) {
    super('SolverNumericError', `${field}: ${message}`);
  }
}
