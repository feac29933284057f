/** Options of `explain` (see explain.ts), resolved once so the kernel reads only checked values. */
import { InvalidOptionError } from '../errors.js';
import type { GramPrecision } from './gram-kernel.js';

/** How much of each explanation row to return. */
export type ExplainMode = 'top' | 'dense';

export interface ExplainOptions {
  /**
   * Explained class per test row. Default: argmax of the surrogate logits W f + b. The DualXDA
   * reference explains the ORIGINAL network's prediction (dualda.md §1.6); pass those here to match.
   */
  targets?: Int32Array;
  /** Proponents and opponents kept per row. @default DEFAULT_EXPLAIN_OPTIONS.topK (10) */
  topK?: number;
  /** 'top': only top-k lists; 'dense': also the full B × nSV score matrix. @default 'top' */
  mode?: ExplainMode;
  /** Support vectors per GEMM block (bounds the kernel buffer to rows × blockSize). @default 512 */
  blockSize?: number;
  /**
   * 'float64': float32 products accumulated in float64 (keeps rowSum == weights[c]·f to ~1e-12).
   * 'float32': float32 accumulation in the SIMD kernel, ~2× faster, ~1e-6 relative error per
   * kernel value (the DualXDA reference computes in float32 torch). @default 'float64'
   */
  precision?: GramPrecision;
  /** 'auto': WebAssembly SIMD kernel when available, else scalar; 'js': always the scalar kernel. @default 'auto' */
  backend?: 'auto' | 'js';
  /**
   * Threads sharing the support vectors (1 = this thread only). n > 1 needs `explainThreaded`
   * (Node worker_threads; `explain` rejects it): n - 1 workers each own a contiguous slice of the
   * support vectors, started once per model and reused; results equal the single-thread ones up
   * to the float64 summation order of rowSum.
   * @default 1
   */
  threads?: number;
}

export interface ResolvedExplainOptions {
  targets: Int32Array | undefined;
  topK: number;
  mode: ExplainMode;
  blockSize: number;
  precision: GramPrecision;
  backend: 'auto' | 'js';
  threads: number;
}

/** Documented defaults of {@link ExplainOptions}. */
export const DEFAULT_EXPLAIN_OPTIONS = {
  topK: 10,
  mode: 'top',
  blockSize: 512,
  precision: 'float64',
  backend: 'auto',
  threads: 1,
} as const satisfies Omit<ResolvedExplainOptions, 'targets'>;

/**
 * Validates explain options against the batch size and class count.
 *
 * @example
 * const opts = resolveExplainOptions({ topK: 5 }, 8, 4);
 */
export function resolveExplainOptions(options: ExplainOptions, rows: number, classes: number): ResolvedExplainOptions {
  const topK = options.topK ?? DEFAULT_EXPLAIN_OPTIONS.topK;
  if (!Number.isInteger(topK) || topK < 0) throw new InvalidOptionError('topK', `must be a non-negative integer, got ${topK}`);
  const mode = options.mode ?? DEFAULT_EXPLAIN_OPTIONS.mode;
  if (mode !== 'top' && mode !== 'dense') throw new InvalidOptionError('mode', `must be 'top' or 'dense', got ${String(mode)}`);
  const blockSize = options.blockSize ?? DEFAULT_EXPLAIN_OPTIONS.blockSize;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new InvalidOptionError('blockSize', `must be a positive integer, got ${blockSize}`);
  const precision = options.precision ?? DEFAULT_EXPLAIN_OPTIONS.precision;
  if (precision !== 'float64' && precision !== 'float32') throw new InvalidOptionError('precision', `must be 'float64' or 'float32', got ${String(precision)}`);
  const backend = options.backend ?? DEFAULT_EXPLAIN_OPTIONS.backend;
  if (backend !== 'auto' && backend !== 'js') throw new InvalidOptionError('backend', `must be 'auto' or 'js', got ${String(backend)}`);
  if (precision === 'float32' && backend === 'js') throw new InvalidOptionError('precision', "'float32' needs backend 'auto' (the scalar kernel always accumulates in float64)");
  const threads = options.threads ?? DEFAULT_EXPLAIN_OPTIONS.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new InvalidOptionError('threads', `must be an integer in 1..64, got ${threads}`);
  const targets = options.targets;
  if (targets !== undefined) {
    if (targets.length !== rows) throw new InvalidOptionError('targets', `length ${targets.length}, expected one per test row (${rows})`);
    for (let t = 0; t < rows; t++) {
      const c = targets[t] as number;
      if (c < 0 || c >= classes) throw new InvalidOptionError('targets', `targets[${t}] = ${c} is outside 0..${classes - 1}`);
    }
  }
  return { targets, topK, mode, blockSize, precision, backend, threads };
}
