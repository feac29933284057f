/**
 * @dualxda/cli: the `dualxda` command-line tool. A thin shell: every command parses its flags
 * (node:util parseArgs, tables in `commands/<name>/spec.ts`), lazily imports its implementation
 * and calls the libraries. Embedders can run it in-process without touching `process`.
 *
 * @example
 * import { runCli } from '@dualxda/cli';
 * const code = await runCli(['inspect', 'runs/train', '--json'], {
 *   stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: new AbortController().signal,
 * });
 */
export { runCli, parseCommandLine } from './cli.js';
export type { CliIo, ParsedCommandLine } from './cli.js';
export { COMMANDS } from './commands/index.js';
export { EXIT_CODES } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { CliError, InputError, InterruptedError, LibraryUnavailableError, UsageError, reportError } from './errors.js';
export type { CliOptions, FlagSpec, OptionSpec, PositionalSpec, Shard, ShardSpec } from './cli-options.js';
export type { CommandSpec } from './command-spec.js';
export type { RunContext, GlobalOptions, Writer } from './context.js';
export { RUN_FILE, readRunRecord, writeRunRecord } from './lib/run-file.js';
export type { RunRecord } from './lib/run-file.js';
export { startDashboardServer } from './serve/index.js';
