import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isPositional, type OptionSpec } from './cli-options.js';
import type { AnyCommandSpec } from './command-spec.js';
import { COMMANDS } from './commands/index.js';
import { createRunContext, type GlobalOptions, type Writer } from './context.js';
import { InterruptedError, LibraryUnavailableError, reportError, UsageError } from './errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { formatCommandHelp, formatMainHelp } from './help.js';

/** Result of parsing argv. */
export type ParsedCommandLine =
  | { kind: 'help'; command?: AnyCommandSpec }
  | { kind: 'version' }
  | { kind: 'run'; command: AnyCommandSpec; options: Record<string, unknown>; globals: GlobalOptions };

const GLOBAL_PARSE_OPTIONS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

function findCommand(argv: readonly string[], commands: readonly AnyCommandSpec[]): { spec: AnyCommandSpec; rest: string[] } {
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const sub = commands.find((c) => c.name === two);
  if (sub !== undefined) return { spec: sub, rest: argv.slice(2) };
  const one = commands.find((c) => c.name === argv[0]);
  if (one !== undefined) return { spec: one, rest: argv.slice(1) };
  const word = argv[0] ?? '';
  const names = [...new Set(commands.map((c) => c.name.split(' ')[0]!))];
  const best = names.map((n) => [n, editDistance(word, n)] as const).sort((x, y) => x[1] - y[1])[0];
  const hint = best !== undefined && best[1] <= 2 ? `did you mean \`dualxda ${best[0]}\`?` : `commands: ${names.join(', ')}; see dualxda --help`;
  throw new UsageError(`unknown command '${word}'`, hint);
}

/** Parses argv (without `node script`) against the command table. Throws UsageError. */
export function parseCommandLine(argv: readonly string[], commands: readonly AnyCommandSpec[] = COMMANDS): ParsedCommandLine {
  const first = argv[0];
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' && argv[1] !== undefined ? findCommand(argv.slice(1), commands).spec : undefined;
    return topic === undefined ? { kind: 'help' } : { kind: 'help', command: topic };
  }
  if (first === '--version') return { kind: 'version' };
  if (first.startsWith('-')) throw new UsageError(`expected a command before '${first}'`, 'usage: dualxda <command> [options]; see dualxda --help');
  const { spec, rest } = findCommand(argv, commands);
  const entries = Object.entries(spec.options as Record<string, OptionSpec | null>).filter((e): e is [string, OptionSpec] => e[1] !== null);
  const parseOptions: NonNullable<ParseArgsConfig['options']> = { ...GLOBAL_PARSE_OPTIONS };
  for (const [, s] of entries) {
    if (isPositional(s)) continue;
    parseOptions[s.flag] = { type: s.kind === 'boolean' ? 'boolean' : 'string', ...(s.kind === 'repeat' ? { multiple: true } : {}), ...(s.short === undefined ? {} : { short: s.short }) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: parseOptions, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
    throw new UsageError(message.replace(/^Option '/, "option '"), `see dualxda ${spec.name} --help`);
  }
  const { values, positionals } = parsed;
  if (values['help'] === true) return { kind: 'help', command: spec };
  const options: Record<string, unknown> = {};
  const maxPositional = Math.max(-1, ...entries.map(([, s]) => (isPositional(s) ? s.positional : -1)));
  if (positionals.length > maxPositional + 1) throw new UsageError(`unexpected argument '${positionals[maxPositional + 1]}'`, `usage: dualxda ${spec.usage}`);
  for (const [key, s] of entries) {
    if (isPositional(s)) {
      const raw = positionals[s.positional];
      if (raw !== undefined) options[key] = s.parse === undefined ? raw : s.parse(raw, s.name);
      continue;
    }
    const raw = values[s.flag];
    if (raw === undefined) continue;
    const flag = `--${s.flag}`;
    if (s.kind === 'repeat') options[key] = (raw as string[]).map((r) => (s.parse === undefined ? r : s.parse(r, flag)));
    else if (s.kind === 'boolean') options[key] = raw;
    else options[key] = s.parse === undefined ? raw : s.parse(raw as string, flag);
  }
  for (const key of spec.required) {
    if (options[key] !== undefined) continue;
    const s = (spec.options as Record<string, OptionSpec | null>)[key];
    const what = s === null || s === undefined ? key : isPositional(s) ? s.name : `--${s.flag}`;
    throw new UsageError(`missing ${what}`, `usage: dualxda ${spec.usage}; e.g. ${spec.examples[0] ?? ''}`);
  }
  spec.validate?.(options);
  const globals: GlobalOptions = { json: values['json'] === true, quiet: values['quiet'] === true, verbose: values['verbose'] === true };
  return { kind: 'run', command: spec, options, globals };
}

const MISSING_EXPORT = /module '(@dualxda\/[\w-]+)[^']*' does not provide an export named '(\w+)'/;

/** Lazy-loads a command; a workspace library that lacks an export (not landed yet) becomes exit 4. */
async function loadRunner(spec: AnyCommandSpec): Promise<Awaited<ReturnType<AnyCommandSpec['load']>>> {
  try {
    return await spec.load();
  } catch (err) {
    const m = err instanceof Error ? MISSING_EXPORT.exec(err.message) : null;
    if (m !== null) throw new LibraryUnavailableError(m[1]!, m[2]!, `dualxda ${spec.name}`);
    throw err;
  }
}

/** I/O of one CLI invocation (process streams in main.ts, buffers in tests). */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  cwd: string;
  signal: AbortSignal;
  /** Environment variables (default: none). */
  env?: Readonly<Record<string, string | undefined>>;
  version?: string;
}

/** Runs one command line and returns the exit code; never throws and never exits the process. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly AnyCommandSpec[] = COMMANDS): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  let name = '';
  try {
    const parsed = parseCommandLine(argv, commands);
    if (parsed.kind === 'help') {
      io.stdout.write(parsed.command === undefined ? formatMainHelp(commands) : formatCommandHelp(parsed.command));
      return EXIT_CODES.ok;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`${io.version ?? '0.0.0'}\n`);
      return EXIT_CODES.ok;
    }
    name = parsed.command.name;
    const ctx = createRunContext({ ...parsed.globals, stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, signal: io.signal, ...(io.env === undefined ? {} : { env: io.env }) });
    const run = await loadRunner(parsed.command);
    await run(parsed.options, ctx);
    if (io.signal.aborted) throw new InterruptedError();
    return EXIT_CODES.ok;
  } catch (err) {
    const interrupted = io.signal.aborted && !(err instanceof InterruptedError);
    const report = reportError(interrupted ? new InterruptedError('rerun the same command to resume') : err, name, verbose);
    for (const line of report.lines) io.stderr.write(`${line}\n`);
    return report.exitCode;
  }
}
