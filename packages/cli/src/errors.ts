// The errors subpath only: the package root pulls zarrita, hyparquet... into every start-up (--help).
import { isDualxdaError } from '@dualxda/core/errors';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { describeSystemError } from './lib/system-errors.js';

/**
 * CLI errors carry an exit code and a one-line fix hint, so `main.ts` can print
 * `dualxda <cmd>: <message>` + `hint: ...` without a stack trace.
 */
export class CliError extends Error {
  readonly _tag: string;
  constructor(
    tag: string,
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this._tag = tag;
    this.name = tag;
  }
}

/** A flag, positional or value on the command line is wrong (exit 2). */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super('UsageError', message, EXIT_CODES.usage, hint);
  }
}

/** A file or directory named on the command line is missing or not what it should be (exit 3). */
export class InputError extends CliError {
  constructor(
    readonly path: string,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super('InputError', `${path}: ${message}`, EXIT_CODES.input, hint, options);
  }
}

/** A library export the command needs is missing from this build (exit 4). */
export class LibraryUnavailableError extends CliError {
  constructor(
    readonly pkg: string,
    readonly exportName: string,
    readonly feature: string,
  ) {
    super(
      'LibraryUnavailableError',
      `${feature} needs ${pkg}#${exportName}, which this build does not provide yet`,
      EXIT_CODES.unavailable,
      `update the workspace (git pull) or build it (npx nx run-many -t build); \`dualxda inspect\` and \`cache import\` need only @dualxda/core`,
    );
  }
}

/** The user pressed Ctrl-C (exit 130). */
export class InterruptedError extends CliError {
  constructor(hint?: string) {
    super('InterruptedError', 'interrupted', EXIT_CODES.interrupted, hint);
  }
}

/** What `main.ts` prints and returns for any thrown value. */
export interface ErrorReport {
  exitCode: ExitCode;
  lines: string[];
}

/** Library error tags that mean "your input is wrong" rather than "we failed". */
export const INPUT_TAGS = new Set([
  'StoreFormatError',
  'ChunkError',
  'InvalidInputError',
  'IncompleteStoreError',
  'ModelLoadError',
  'UnsupportedArchitectureError',
  'VocabMismatchError',
  'EmptyTextError',
  'SafetensorsError',
  'InvalidShapeError',
  'DualDAModelIoError',
  'DualDAModelError',
  'SolverInputError',
  'StoreHttpError',
  'ReadOnlyStoreError',
  'StoreLockedError',
  'FeatureHeadMismatchError',
  'HfConfigError',
]);

/** Fix hints for library errors, by tag; a function picks the hint from the message. */
const HINTS: Record<string, string | ((message: string) => string)> = {
  StoreLockedError: 'two jobs must not write the same shard of a store: wait for the other one (a lock left by a killed job on this host is taken over automatically)',
  IncompleteStoreError: 'run the missing `dualxda cache --shard i/N` jobs again, then `dualxda cache finalize STORE`',
  DualDAModelIoError: (m) =>
    /newer than supported/.test(m)
      ? 'this model was saved by a newer dualxda: upgrade dualxda (or refit with this one: `dualxda fit STORE`)'
      : /checksum|truncated|chunk file is missing|not valid JSON|shape \[|data_type/.test(m)
        ? 'the saved model is damaged: refit it with `dualxda fit STORE` (the feature store itself is not affected)'
        : 'fit a model first: `dualxda fit STORE --C 1e-3`',
  StoreFormatError: (m) =>
    /newer dualxda|schema version \d+; this dualxda reads/.test(m)
      ? 'this store was written by a newer dualxda: upgrade dualxda'
      : 'is this a store written by `dualxda cache` / `cache import`? An interrupted cache resumes when you rerun it',
  InvalidInputError: 'fix the named field of that file (docs/cli.md describes every input format)',
  UnsupportedArchitectureError: 'docs/llm-adapter.md lists the architectures dualxda runs',
  VocabMismatchError: 'the tokenizer does not fit the weights: use the checkpoint folder as save_pretrained wrote it',
  SafetensorsError: 'the weights file is damaged or not safetensors: export the checkpoint again',
  InvalidShapeError: 'the arrays do not fit together: check the shapes of the input files',
  DualDAModelError: 'the saved model is inconsistent: refit it with `dualxda fit STORE`',
  SolverInputError: 'check the store: finite features and at least two classes (`dualxda inspect STORE`)',
  InvalidOptionError: 'see `dualxda <command> --help` for the accepted values',
  ChunkError: 'the store is damaged: rerun the `dualxda cache` command that wrote it (it rewrites bad chunks)',
  ModelLoadError: (m) =>
    /pytorch_model\.bin/.test(m)
      ? 'convert the weights to safetensors once: python3 tools/convert/bin-to-safetensors.py DIR (the message above has the exact command)'
      : 'point --model at a checkpoint folder as save_pretrained writes it (config.json, model.safetensors or sharded model-*.safetensors + index, tokenizer.json); onnx/model.onnx is optional (docs/llm-adapter.md)',
  FeatureHeadMismatchError: "re-export onnx/model.onnx so that its 'features' output is exactly what the head multiplies, from the same weights (docs/llm-adapter.md, \"Head consistency check\")",
  HfConfigError: 'this config.json uses a setting dualxda does not run (named above); docs/llm-adapter.md lists the supported RoPE types and architectures',
  EmptyTextError: 'remove empty texts from the corpus',
  StoreHttpError: 'check that the server is up and publishes the store directory as static files (e.g. `python3 -m http.server` run in its parent)',
  ReadOnlyStoreError: 'stores read over HTTP are read-only: copy the store locally or put it on a shared file system (docs/distributed.md)',
};

/** Turns any thrown value into printable lines and an exit code; stack only with `verbose`. */
export function reportError(err: unknown, command: string, verbose: boolean): ErrorReport {
  const prefix = command === '' ? 'dualxda' : `dualxda ${command}`;
  const lines: string[] = [];
  let exitCode: ExitCode = EXIT_CODES.failure;
  if (err instanceof CliError) {
    exitCode = err.exitCode;
    lines.push(`${prefix}: ${err.message}`);
    if (err.hint !== undefined) lines.push(`hint: ${err.hint}`);
  } else if (isDualxdaError(err)) {
    exitCode = err._tag === 'InvalidOptionError' ? EXIT_CODES.usage : INPUT_TAGS.has(err._tag) ? EXIT_CODES.input : EXIT_CODES.failure;
    lines.push(`${prefix}: ${err.message} (${err._tag})`);
    const hint = HINTS[err._tag];
    // Every failure gets a hint line (docs/cli.md); a tag without its own gets the generic one.
    lines.push(`hint: ${hint === undefined ? 'rerun with --verbose for details, and report it if it persists' : typeof hint === 'function' ? hint(err.message) : hint}`);
  } else if (describeSystemError(err) !== undefined) {
    const sys = describeSystemError(err) as NonNullable<ReturnType<typeof describeSystemError>>;
    exitCode = sys.exitCode;
    lines.push(`${prefix}: ${sys.message}`);
    lines.push(`hint: ${sys.hint}`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    lines.push(`${prefix}: unexpected error: ${message}`);
    if (!verbose) lines.push('hint: rerun with --verbose for the stack trace, and report it if it persists');
  }
  if (verbose && err instanceof Error && err.stack !== undefined) lines.push(err.stack);
  if (verbose && err instanceof Error && err.cause !== undefined) lines.push(`cause: ${err.cause instanceof Error ? (err.cause.stack ?? err.cause.message) : String(err.cause)}`);
  return { exitCode, lines };
}
