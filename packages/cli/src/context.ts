import { createProgress, type Progress, type ProgressOptions } from './progress.js';

/** Minimal writable stream (process.stdout/stderr, or a buffer in tests). */
export interface Writer {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Flags every command accepts. */
export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/**
 * Everything a command may touch besides its options: output streams, global flags, the Ctrl-C
 * signal and progress bars. Commands never call process.* directly, which keeps them testable.
 */
export interface RunContext extends GlobalOptions {
  stdout: Writer;
  stderr: Writer;
  cwd: string;
  /** Environment variables (process.env in the binary; scheduler indices for `--shard auto`). */
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  /** Human text to stdout (suppressed under --json, whose output owns stdout). */
  print(line?: string): void;
  /** Status line to stderr (suppressed under --quiet). */
  log(line: string): void;
  /** Warning to stderr (always). */
  warn(line: string): void;
  /** One JSON document to stdout (only under --json). */
  emitJson(value: unknown): void;
  /** A progress bar on stderr; a no-op when quiet or stderr is not a TTY. */
  progress(options: ProgressOptions): Progress;
}

/** Inputs of `createRunContext`. */
export interface RunContextInit extends GlobalOptions {
  stdout: Writer;
  stderr: Writer;
  cwd: string;
  signal: AbortSignal;
  /** Environment (default: none, so tests see no scheduler variables). */
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

/** Builds the context handed to commands. */
export function createRunContext(init: RunContextInit): RunContext {
  const { stdout, stderr } = init;
  const barsEnabled = !init.quiet && stderr.isTTY === true;
  return {
    ...init,
    env: init.env ?? {},
    print(line = '') {
      if (!init.json) stdout.write(`${line}\n`);
    },
    log(line) {
      if (!init.quiet) stderr.write(`${line}\n`);
    },
    warn(line) {
      stderr.write(`warning: ${line}\n`);
    },
    emitJson(value) {
      if (init.json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    progress(options) {
      return createProgress(stderr, { ...options, enabled: barsEnabled && options.enabled !== false, now: init.now });
    },
  };
}
