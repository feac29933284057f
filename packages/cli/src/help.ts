import { isPositional, type OptionSpec } from './cli-options.js';
import type { AnyCommandSpec } from './command-spec.js';
import { EXIT_CODES } from './exit-codes.js';

/** Global flags, shown in every help page. */
export const GLOBAL_FLAGS: readonly [string, string][] = [
  ['--json', 'machine-readable JSON on stdout (progress and logs stay on stderr)'],
  ['-q, --quiet', 'no progress bars or status lines on stderr'],
  ['-v, --verbose', 'stack traces and library details on errors'],
  ['-h, --help', 'this help'],
];

function flagLabel(spec: OptionSpec): string {
  if (isPositional(spec)) return spec.name;
  const long = `--${spec.flag}${spec.kind === 'boolean' ? '' : ` ${spec.valueName ?? 'VALUE'}`}`;
  return spec.short === undefined ? long : `-${spec.short}, ${long}`;
}

function table(rows: [string, string][]): string[] {
  const width = Math.min(30, Math.max(...rows.map(([a]) => a.length)));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}

/** Help page of one command. */
export function formatCommandHelp(spec: AnyCommandSpec): string {
  const specs = Object.values(spec.options as Record<string, OptionSpec | null>).filter((s): s is OptionSpec => s !== null);
  const positionals = specs.filter(isPositional).sort((a, b) => a.positional - b.positional);
  const flags = specs.filter((s) => !isPositional(s));
  const lines = [`Usage: dualxda ${spec.usage}`, '', spec.summary, ''];
  if (positionals.length > 0) lines.push('Arguments:', ...table(positionals.map((p) => [flagLabel(p), p.description])), '');
  if (flags.length > 0) lines.push('Options:', ...table(flags.map((f) => [flagLabel(f), f.description])), '');
  lines.push('Global options:', ...table([...GLOBAL_FLAGS]), '');
  if (spec.notes !== undefined) lines.push(...spec.notes, '');
  lines.push('Examples:', ...spec.examples.map((e) => `  $ ${e}`), '');
  lines.push(`Exit codes: ${exitCodeSummary()} (docs/cli.md)`);
  return `${lines.join('\n')}\n`;
}

/** One-line exit code legend. */
export function exitCodeSummary(): string {
  return `${EXIT_CODES.ok} ok, ${EXIT_CODES.failure} failure, ${EXIT_CODES.usage} usage, ${EXIT_CODES.input} bad input, ${EXIT_CODES.unavailable} library unavailable, ${EXIT_CODES.interrupted} interrupted`;
}

/** `dualxda --help`. */
export function formatMainHelp(commands: readonly AnyCommandSpec[]): string {
  const lines = [
    'Usage: dualxda <command> [options]',
    '',
    'Which training examples made a classifier predict what it did (DualDA), and why (XDA).',
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Global options:',
    ...table([...GLOBAL_FLAGS]),
    '',
    'Start here:',
    '  $ dualxda demo                       # whole pipeline on the embedded spam model',
    '  $ dualxda <command> --help           # flags and examples of one command',
    '',
    `Exit codes: ${exitCodeSummary()} (docs/cli.md)`,
  ];
  return `${lines.join('\n')}\n`;
}
