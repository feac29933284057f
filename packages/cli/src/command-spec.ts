import type { CliOptions } from './cli-options.js';
import type { RunContext } from './context.js';

/** What a command module's default-style entry looks like after the lazy import. */
export type CommandRunner<T> = (options: T, ctx: RunContext) => Promise<void>;

/**
 * Declaration of one command: its flag table, help text and a lazy loader for the implementation,
 * so `dualxda --help` never loads tfjs or onnxruntime.
 */
export interface CommandSpec<T> {
  /** `fit`, or `cache import` for subcommands. */
  name: string;
  summary: string;
  /** Usage line after `dualxda `, e.g. `fit STORE [--C 1e-3]`. */
  usage: string;
  options: CliOptions<T>;
  /** Option keys that must be set; the error names their flag. */
  required: readonly (keyof T & string)[];
  /** Extra check across options (e.g. `--text` xor `--test`); throws UsageError. */
  validate?: (options: Partial<T>) => void;
  examples: readonly string[];
  /** More help text (printed after the flags). */
  notes?: readonly string[];
  load: () => Promise<CommandRunner<T>>;
}

/** Type-erased spec for the command table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommandSpec = CommandSpec<any>;

/** Identity helper that keeps `T` inferred from the options table. */
export function defineCommand<T>(spec: CommandSpec<T>): CommandSpec<T> {
  return spec;
}
