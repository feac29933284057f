/**
 * Tagged errors: every error the libraries throw carries a `_tag` (stable across releases, safe to
 * switch on) and an optional `cause`, so the CLI can map them to messages and exit codes.
 */
export class DualxdaError extends Error {
  readonly _tag: string;
  constructor(tag: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this._tag = tag;
    this.name = tag;
  }
}

/** True when `err` is a dualxda error, optionally of one tag. */
export function isDualxdaError(err: unknown, tag?: string): err is DualxdaError {
  return err instanceof DualxdaError && (tag === undefined || err._tag === tag);
}

/** A tensor or array had the wrong shape. */
export class InvalidShapeError extends DualxdaError {
  constructor(
    readonly expected: string,
    readonly got: string,
    readonly where: string,
  ) {
    super('InvalidShapeError', `${where}: expected shape ${expected}, got ${got}`);
  }
}

/** An option or argument was out of range; names the option. */
export class InvalidOptionError extends DualxdaError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('InvalidOptionError', `option ${option}: ${message}`);
  }
}

/**
 * Throws `InvalidOptionError`-free assertion errors with a lazily built message, so hot paths
 * pay nothing for formatting.
 */
export function assert(cond: unknown, msg: () => string): asserts cond {
  if (!cond) throw new DualxdaError('AssertionError', msg());
}
