import { DualxdaError } from '../errors.js';

/** Loading or saving a DualDA model failed; names the path and what is wrong. */
export class DualDAModelIoError extends DualxdaError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DualDAModelIoError', `${path}: ${message}`, options);
  }
}
