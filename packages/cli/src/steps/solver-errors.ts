/**
 * Solver failures as CLI errors with a fix: a C the data would overflow is a usage error on
 * `--C`, a diverged solve a runtime failure, unusable training data an input error naming the
 * store. All of them are raised before `saveDualDAModel`, so the previous model stays in place.
 */
import { SolverInputError, SolverNumericError } from '@dualxda/solver';
import { CliError, InputError, UsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';

const PAPER_C = 'the paper uses 1e-5, 1e-3 or 0.1';
const NOTHING_SAVED = 'no model was saved (a previous one is unchanged)';

/** Hints for `SolverInputError` by the solver's field name. */
const INPUT_HINTS: Record<string, string> = {
  features: 'the store holds NaN, infinite or huge feature values: fix the source data and rebuild the store (`dualxda cache import` / `dualxda cache`)',
  source: 'the store holds NaN, infinite or huge feature values: fix the source data and rebuild the store (`dualxda cache import` / `dualxda cache`)',
  labels: 'a classifier needs rows of at least two classes: import or cache data with two or more labels',
  'source.labels': 'a classifier needs rows of at least two classes: import or cache data with two or more labels',
};

/**
 * Maps `SolverNumericError` / `SolverInputError` of a fit of `storePath` to a `CliError`; returns
 * anything else unchanged (for the caller to rethrow).
 *
 * @example
 * try { await solve(); } catch (err) { throw toFitError(err, store, C); }
 */
export function toFitError(err: unknown, storePath: string, C: number): unknown {
  if (err instanceof SolverNumericError) {
    const { field } = err;
    const detail = err.message.slice(field.length + 2);
    if (field === 'C') return new UsageError(`--C ${C} ${detail.replace(/^C = \S+ is too large for this data/, 'is too large for this store')}`, `e.g. --C 1e-3 (${PAPER_C}); ${NOTHING_SAVED}`);
    return new CliError('SolverNumericError', `${storePath}: the solve diverged: ${field} ${detail}`, EXIT_CODES.failure, `use a smaller --C (${PAPER_C}) or rescale the features; ${NOTHING_SAVED}`, { cause: err });
  }
  if (err instanceof SolverInputError) {
    const { field } = err;
    return new InputError(storePath, err.message, `${INPUT_HINTS[field] ?? 'check the store with `dualxda inspect STORE`'}; ${NOTHING_SAVED}`, { cause: err });
  }
  return err;
}
