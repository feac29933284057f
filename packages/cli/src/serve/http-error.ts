import { DualxdaError } from '@dualxda/core';

/** An error with the HTTP status the server answers with; its message goes to the client as JSON. */
export class HttpError extends DualxdaError {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (e.g. `retry-after` on a 503). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super('HttpError', message);
  }
}

/** Parses a non-negative integer path/query value; anything else (signs, decimals, '1e3', huge) is a 400. */
export function parseIndex(value: string | null | undefined, name: string, fallback?: number): number {
  if (value === null || value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, `missing parameter '${name}'`);
  }
  if (!/^\d{1,10}$/.test(value)) throw new HttpError(400, `parameter '${name}' must be a non-negative integer, got '${value.slice(0, 40)}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new HttpError(400, `parameter '${name}' is too large`);
  return n;
}

/** `parseIndex` plus an inclusive upper bound (400 past it). */
export function parseBounded(value: string | null | undefined, name: string, max: number, fallback?: number): number {
  const n = parseIndex(value, name, fallback);
  if (n > max) throw new HttpError(400, `parameter '${name}' must be <= ${max}, got ${n}`);
  return n;
}
