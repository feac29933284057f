import { DualxdaError } from '@dualxda/core';

/** An op has neither a relevance rule nor an entry on the explicit `UNSUPPORTED_OPS` list. */
export class UnsupportedOpError extends DualxdaError {
  constructor(readonly op: string, detail = 'no relevance rule is registered and it is not on UNSUPPORTED_OPS') {
    super('UnsupportedOpError', `op ${op}: ${detail}`);
  }
}

/** A weight is missing or has the wrong shape, or the config lacks a field; names the key. */
export class ModelWeightsError extends DualxdaError {
  constructor(readonly key: string, message: string) {
    super('ModelWeightsError', `${key}: ${message}`);
  }
}

/** True when `err` is an XDA error, optionally of one tag. */
export function isXdaError(err: unknown, tag?: 'UnsupportedOpError' | 'ModelWeightsError'): err is DualxdaError {
  return (
    (err instanceof UnsupportedOpError || err instanceof ModelWeightsError) && (tag === undefined || err._tag === tag)
  );
}
