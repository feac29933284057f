import { DualxdaError } from '@dualxda/core';
import type { LinearHead } from '../checkpoint/resolve-heads.js';

/** Relative tolerance of the cache-time check (issue 14 item 4). */
export const HEAD_CONSISTENCY_RTOL = 1e-4;
/** Rows of the first chunk the check recomputes. */
export const HEAD_CONSISTENCY_SAMPLE = 8;

/**
 * The stored features are not what the checkpoint's head multiplies: the graph's `logits` differ
 * from `features · Wᵀ + b` computed with the head weights of the checkpoint. Names the graph output
 * the features came from, the head, the row and the error.
 */
export class FeatureHeadMismatchError extends DualxdaError {
  constructor(
    readonly dir: string,
    /** Graph output the features were read from (`features`, or `last_hidden_state` when pooled). */
    readonly output: string,
    readonly head: string,
    readonly row: number,
    readonly relativeError: number,
    /** Replaces the "at row …" part (e.g. a class-count mismatch). */
    detail?: string,
  ) {
    const from = output === 'features' ? 'the ONNX output "features"' : `the features pooled from the ONNX output "${output}"`;
    const what = detail ?? `at row ${row} the graph's "logits" differ from features · Wᵀ + b by ${relativeError.toExponential(2)} (relative; tolerance ${HEAD_CONSISTENCY_RTOL})`;
    super(
      'FeatureHeadMismatchError',
      `${dir}/onnx/model.onnx: ${from} is not the input of the checkpoint's head "${head}": ${what}. ` +
        'Either the graph exports another vector than the one the head multiplies (e.g. BERT\'s [CLS] hidden state instead of ' +
        'the pooler output), or it was exported from other weights than the safetensors file (re-export it from those weights)',
    );
  }
}

/** What `checkHeadConsistency` compares. */
export interface HeadConsistencyInput {
  dir: string;
  output: string;
  head: LinearHead;
  /** rows × dim row-major. */
  features: Float32Array;
  /** rows × K row-major, from the graph. */
  logits: Float32Array;
  rows: number;
  /** Row numbers in messages start here (the corpus index of row 0). */
  firstRow?: number;
  sample?: number;
  rtol?: number;
}

/**
 * Recomputes `features · Wᵀ + b` in float64 for up to `sample` evenly spaced rows and compares it
 * with the graph's logits. The error of a row is max_k |logit_k − ŷ_k| / max_k (Σ_j |W_kj f_j| + |b_k|):
 * relative to the size of the terms, so float32 rounding in a cancelling sum stays far below the
 * tolerance while a wrong feature vector (another layer, no pooler) is off by order one.
 *
 * @returns the largest relative error seen.
 * @throws FeatureHeadMismatchError at the first row past `rtol`.
 * @example
 * checkHeadConsistency({ dir, output: 'features', head: ckpt.sequenceHead, features, logits, rows });
 */
export function checkHeadConsistency(input: HeadConsistencyInput): number {
  const { head, features, logits, rows } = input;
  const rtol = input.rtol ?? HEAD_CONSISTENCY_RTOL;
  const sample = Math.min(rows, input.sample ?? HEAD_CONSISTENCY_SAMPLE);
  const K = head.weight.shape[0] as number;
  const d = head.weight.shape[1] as number;
  const W = head.weight.data;
  const name = head.name.replace(/\.weight$/, '');
  if (logits.length !== rows * K || features.length !== rows * d) {
    const detail = `the graph gives ${logits.length / Math.max(1, rows)} logits and ${features.length / Math.max(1, rows)} features per row, the head has ${K} × ${d}`;
    throw new FeatureHeadMismatchError(input.dir, input.output, name, input.firstRow ?? 0, Number.POSITIVE_INFINITY, detail);
  }
  let worst = 0;
  for (let s = 0; s < sample; s++) {
    const r = sample === 1 ? 0 : Math.round((s * (rows - 1)) / (sample - 1));
    let maxDiff = 0;
    let scale = 0;
    for (let k = 0; k < K; k++) {
      const b = head.bias === null ? 0 : (head.bias[k] as number);
      let acc = b;
      let mag = Math.abs(b);
      for (let j = 0; j < d; j++) {
        const t = (W[k * d + j] as number) * (features[r * d + j] as number);
        acc += t;
        mag += Math.abs(t);
      }
      maxDiff = Math.max(maxDiff, Math.abs((logits[r * K + k] as number) - acc));
      scale = Math.max(scale, mag);
    }
    // NaN anywhere makes `rel` NaN, which must fail too.
    const rel = scale === 0 ? maxDiff : maxDiff / scale;
    if (!(rel <= rtol)) throw new FeatureHeadMismatchError(input.dir, input.output, name, (input.firstRow ?? 0) + r, rel);
    worst = Math.max(worst, rel);
  }
  return worst;
}
