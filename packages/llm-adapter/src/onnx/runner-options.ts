import { InvalidOptionError } from '@dualxda/core';

/** Options of `createOnnxRunner`. */
export interface RunnerOptions {
  /** 'cpu' (default) or 'cuda'; CUDA falls back to CPU with a warning when unavailable. */
  executionProvider?: 'cpu' | 'cuda';
  /** ONNX Runtime intra-op threads; 0 (default) lets ORT choose. */
  intraOpThreads?: number;
  /** Receives non-fatal warnings (default: `console.warn`). */
  onWarning?: (message: string) => void;
}

/** `RunnerOptions` with every field set. */
export type ResolvedRunnerOptions = Required<RunnerOptions>;

/**
 * Defaults of `RunnerOptions`.
 *
 * @example
 * DEFAULT_RUNNER_OPTIONS.executionProvider; // 'cpu'
 */
export const DEFAULT_RUNNER_OPTIONS: Readonly<ResolvedRunnerOptions> = {
  executionProvider: 'cpu',
  intraOpThreads: 0,
  onWarning: (message: string) => console.warn(`[llm-adapter] ${message}`),
};

/**
 * Validates and fills `RunnerOptions`; errors name the option.
 *
 * @example
 * resolveRunnerOptions({ executionProvider: 'cuda' }).intraOpThreads; // 0
 */
export function resolveRunnerOptions(options: RunnerOptions = {}): ResolvedRunnerOptions {
  const r = { ...DEFAULT_RUNNER_OPTIONS, ...stripUndefined(options) };
  if (r.executionProvider !== 'cpu' && r.executionProvider !== 'cuda') {
    throw new InvalidOptionError('executionProvider', `must be 'cpu' or 'cuda', got ${JSON.stringify(r.executionProvider)}`);
  }
  if (!Number.isInteger(r.intraOpThreads) || r.intraOpThreads < 0) {
    throw new InvalidOptionError('intraOpThreads', `must be a non-negative integer, got ${r.intraOpThreads}`);
  }
  return r;
}

/** Drops keys whose value is undefined, so spreading options never erases a default. */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
