import { UsageError } from './errors.js';

/**
 * How one option of a command's `XxxOptions` is set from the command line. `CliOptions<T>` forces
 * every key of `T` to have such a spec or an explicit `null` (not settable from argv, e.g. an
 * AbortSignal), so a new library option cannot silently miss its flag.
 */
export type OptionSpec<V = unknown> = FlagSpec<V> | PositionalSpec<V>;

/** A `--flag` (string-valued unless `kind: 'boolean'`). */
export interface FlagSpec<V = unknown> {
  flag: string;
  short?: string;
  kind: 'boolean' | 'string' | 'repeat';
  /** Placeholder in help, e.g. `N`. */
  valueName?: string;
  description: string;
  /** Turns the raw string (one occurrence, for `repeat`) into the value; throws `UsageError` naming the flag. */
  parse?: (raw: string, flag: string) => V | ItemOf<V>;
}

/** Element type of an array option (a `repeat` flag parses one element per occurrence). */
export type ItemOf<V> = V extends readonly (infer E)[] ? E : V;

/** The n-th positional argument. */
export interface PositionalSpec<V = unknown> {
  positional: number;
  name: string;
  description: string;
  parse?: (raw: string, name: string) => V;
}

/** Mapped type: every option key gets a spec or `null`. */
export type CliOptions<T> = { readonly [K in keyof Required<T>]: OptionSpec<Exclude<T[K], undefined>> | null };

/** Type guard for positional specs. */
export function isPositional(spec: OptionSpec): spec is PositionalSpec {
  return 'positional' in spec;
}

/** Parses a finite number; `what` names the flag in the error. */
export function parseNumber(raw: string, what: string): number {
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`${what} expects a number, got '${raw}'`, `e.g. ${what} 0.001`);
  return v;
}

/** Parses a number > 0. */
export function parsePositive(raw: string, what: string): number {
  const v = parseNumber(raw, what);
  if (v <= 0) throw new UsageError(`${what} must be > 0, got ${raw}`, `e.g. ${what} 0.001 (the paper uses 1e-5, 1e-3 or 0.1)`);
  return v;
}

/** Parses an integer >= `min`. */
export function parseInteger(raw: string, what: string, min = 1): number {
  // Not through parseNumber: its hint ("e.g. --port 0.001") would suggest a fraction.
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${what} must be an integer >= ${min}, got '${raw}'`, `e.g. ${what} ${Math.max(min, 8)}`);
  return v;
}

/** Parses an integer >= 0 (threads: 0 = all cores). */
export function parseNonNegativeInteger(raw: string, what: string): number {
  return parseInteger(raw, what, 0);
}

/** Builds a parser that accepts one of `choices`. */
export function parseChoice<C extends string>(choices: readonly C[]): (raw: string, what: string) => C {
  return (raw, what) => {
    if ((choices as readonly string[]).includes(raw)) return raw as C;
    throw new UsageError(`${what} must be one of ${choices.join(', ')}; got '${raw}'`, `e.g. ${what} ${choices[0]}`);
  };
}

/** A shard of a sharded job: `i/N` with 0 <= i < N. */
export interface Shard {
  index: number;
  count: number;
}

/** `--shard` as given: a fixed `i/N`, or `auto` (index, and count unless `auto/N`, from the scheduler's environment). */
export type ShardSpec = Shard | { auto: true; count?: number };

/** Parses `i/N` (0-based shard index), `auto` or `auto/N`. */
export function parseShard(raw: string, what: string): ShardSpec {
  const auto = /^auto(?:\/(\d+))?$/.exec(raw.trim());
  if (auto !== null) {
    if (auto[1] === undefined) return { auto: true };
    const count = Number(auto[1]);
    if (count < 1) throw new UsageError(`${what} ${raw}: shard count must be >= 1`, `e.g. ${what} auto/4`);
    return { auto: true, count };
  }
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (m === null) throw new UsageError(`${what} expects i/N (0-based shard i of N), auto or auto/N, got '${raw}'`, `e.g. ${what} 0/4 ... ${what} 3/4 on four machines, or ${what} auto in a SLURM array job`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`${what} ${raw}: shard count must be >= 1`, `e.g. ${what} 0/4`);
  if (index >= count) throw new UsageError(`${what} ${raw}: shard index ${index} is out of range 0..${count - 1}`, `shards are 0-based: use ${what} ${count - 1}/${count} for the last one`);
  return { index, count };
}

/** Parses a duration in seconds (`90`, `90s`, `5m`, `1h`) to milliseconds. */
export function parseDurationMs(raw: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (m === null) throw new UsageError(`${what} expects a duration like 90s, 5m or 1h, got '${raw}'`, `e.g. ${what} 5m`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const v = Number(m[1]) * scale;
  if (v <= 0) throw new UsageError(`${what} must be > 0, got '${raw}'`, `e.g. ${what} 5m`);
  return v;
}
