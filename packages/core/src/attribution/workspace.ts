/**
 * Caller-owned buffers of the explain kernel. Create one per (model, max batch rows, topK) and
 * reuse it across batches: `explainBatchInto` then allocates nothing.
 */
import { InvalidOptionError } from '../errors.js';

export interface ExplainWorkspace {
  maxRows: number;
  topK: number;
  blockSize: number;
  /** Kernel block G = F Xᵀ for one block of support vectors, maxRows × blockSize. */
  gram: Float64Array;
  /** Proponent heaps: maxRows × topK scores / support-vector positions, and live counts. */
  proScore: Float64Array;
  proIdx: Int32Array;
  proCount: Int32Array;
  /** Opponent heaps, same layout. */
  oppScore: Float64Array;
  oppIdx: Int32Array;
  oppCount: Int32Array;
  /** Σ_i A[t, i] per row. */
  rowSum: Float64Array;
  /** Per row, the running sum over the current block of support vectors (scratch). */
  blockSum: Float64Array;
  /** Resolved class per row. */
  targets: Int32Array;
  /** Row indices grouped by class (scratch of the class-gathered kernel path). */
  order: Int32Array;
}

/**
 * Allocates a workspace for batches of up to `maxRows` test rows.
 *
 * @example
 * const ws = createExplainWorkspace(64, 10, 512);
 */
export function createExplainWorkspace(maxRows: number, topK: number, blockSize: number): ExplainWorkspace {
  if (!Number.isInteger(maxRows) || maxRows < 0) throw new InvalidOptionError('maxRows', `must be a non-negative integer, got ${maxRows}`);
  if (!Number.isInteger(topK) || topK < 0) throw new InvalidOptionError('topK', `must be a non-negative integer, got ${topK}`);
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new InvalidOptionError('blockSize', `must be a positive integer, got ${blockSize}`);
  return {
    maxRows,
    topK,
    blockSize,
    gram: new Float64Array(maxRows * blockSize),
    proScore: new Float64Array(maxRows * topK),
    proIdx: new Int32Array(maxRows * topK),
    proCount: new Int32Array(maxRows),
    oppScore: new Float64Array(maxRows * topK),
    oppIdx: new Int32Array(maxRows * topK),
    oppCount: new Int32Array(maxRows),
    rowSum: new Float64Array(maxRows),
    blockSum: new Float64Array(maxRows),
    targets: new Int32Array(maxRows),
    order: new Int32Array(maxRows),
  };
}
