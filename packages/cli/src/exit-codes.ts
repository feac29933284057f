/**
 * Process exit codes of `dualxda`. Documented in docs/cli.md; scripts may rely on them, so values
 * never change meaning.
 */
export const EXIT_CODES = {
  /** The command did its work. */
  ok: 0,
  /** The command failed while running (library error, I/O error, solver failure). */
  failure: 1,
  /** Bad command line: unknown command or flag, missing or malformed value. */
  usage: 2,
  /** An input named on the command line is missing or unreadable (store, model dir, data file). */
  input: 3,
  /** A library the command needs is not available in this build (a feature not implemented yet). */
  unavailable: 4,
  /** Interrupted by Ctrl-C / SIGINT (128 + 2); partial work is left resumable. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
