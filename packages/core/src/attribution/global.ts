/**
 * Global attributions: per support vector and class, the summed attribution it receives over a
 * set of explained test rows (G[i, c] = Σ_{t: c_t = c} |A[t, i]| by default), and the per-row total
 * g_i = Σ_t |A[t, i]| that DualXDA ranks for coreset selection / data pruning (dualda.md §3.6).
 */
import { validateDualDAModel, type DualDAModel } from '../model/types.js';
import { selectGramKernel } from './gram-kernel.js';
import { explainBatchInto, surrogateArgmaxInto } from './kernel.js';
import { toFeatureView, type TestFeatures } from './explain.js';
import { resolveExplainOptions } from './options.js';
import { createExplainWorkspace } from './workspace.js';

export interface GlobalAttributionOptions {
  /** Explained class per test row; default the surrogate argmax (see ExplainOptions.targets). */
  targets?: Int32Array;
  /** Sum |A| (the reference's choice) or signed A. @default true */
  absolute?: boolean;
  /** Test rows per kernel batch. @default 64 */
  batchRows?: number;
  /** As in ExplainOptions. @default 'auto' */
  backend?: 'auto' | 'js';
}

export interface GlobalAttributionResult {
  /** nSV × K row-major; row j is support vector j (training row svIndices[j]). */
  perClass: Float64Array;
  /** nSV: Σ over classes of perClass. */
  total: Float64Array;
}

/**
 * @example
 * const { total } = globalAttributions(model, { data: testF, shape: [B, d] });
 */
export function globalAttributions(model: DualDAModel, testFeatures: TestFeatures, options: GlobalAttributionOptions = {}): GlobalAttributionResult {
  const { nSV, K, d } = validateDualDAModel(model);
  const view = toFeatureView(testFeatures, d);
  const opts = resolveExplainOptions({ targets: options.targets, backend: options.backend }, view.rows, K);
  const { targets } = opts;
  const absolute = options.absolute ?? true;
  const batchRows = Math.max(1, Math.min(options.batchRows ?? 64, view.rows));
  const ws = createExplainWorkspace(batchRows, 0, opts.blockSize);
  const gram = selectGramKernel(model.svFeatures, d, nSV, opts.blockSize, opts);
  const dense = new Float64Array(batchRows * nSV);
  const perClass = new Float64Array(nSV * K);
  for (let t0 = 0; t0 < view.rows; t0 += batchRows) {
    const rows = Math.min(batchRows, view.rows - t0);
    const sub = { ...view, rows, offset: view.offset + t0 * view.rowStride };
    if (targets) ws.targets.set(targets.subarray(t0, t0 + rows));
    else surrogateArgmaxInto(model, K, sub, ws);
    explainBatchInto(model, K, sub, ws, dense, gram);
    for (let t = 0; t < rows; t++) {
      const c = ws.targets[t] as number;
      for (let j = 0; j < nSV; j++) {
        const v = dense[t * nSV + j] as number;
        perClass[j * K + c] = (perClass[j * K + c] as number) + (absolute ? Math.abs(v) : v);
      }
    }
  }
  const total = new Float64Array(nSV);
  for (let j = 0; j < nSV; j++) for (let m = 0; m < K; m++) total[j] = (total[j] as number) + (perClass[j * K + m] as number);
  return { perClass, total };
}
