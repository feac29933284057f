/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { createTensor } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import type { LinearHead } from '../checkpoint/resolve-heads.js';
import { checkHeadConsistency, FeatureHeadMismatchError, HEAD_CONSISTENCY_RTOL } from './head-consistency.js';

const K = 3;
const d = 4;
const head: LinearHead = {
  name: 'classifier.weight',
  weight: createTensor('float32', [K, d], Float32Array.from([1, -2, 0.5, 3, 0, 1, 1, -1, 2, 2, -2, 0.25])),
  bias: Float32Array.from([0.1, -0.2, 0.3]),
};

function logitsOf(features: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * K);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      let acc = head.bias![k]!;
      for (let j = 0; j < d; j++) acc += head.weight.data[k * d + j]! * features[r * d + j]!;
      out[r * K + k] = acc;
    }
  }
  return out;
}

const rows = 20;
const features = Float32Array.from({ length: rows * d }, (_, i) => Math.sin(i * 1.7) * 3);
const base = { dir: '/m', output: 'features', head, features, logits: logitsOf(features, rows), rows };

describe('checkHeadConsistency', () => {
  it('accepts logits = features · Wᵀ + b computed in float32', () => {
    expect(checkHeadConsistency(base)).toBeLessThan(1e-6);
  });

  it('measures the error against the size of the terms, so a cancelling sum in float32 passes', () => {
    const f = Float32Array.from([1e4, 5e3, 0, 0]); // row 0 of the first class: 1e4 − 2·5e3 = 0
    const l = logitsOf(f, 1);
    l[0] = 1e-3; // float32 rounding of a 1e4-sized sum
    expect(checkHeadConsistency({ ...base, features: f, logits: l, rows: 1 })).toBeLessThan(HEAD_CONSISTENCY_RTOL);
  });

  it('refuses features that are not the head input, naming the output, the head and the corpus row', () => {
    const wrong = features.map((v, i) => (i >= 19 * d ? v * 0.9 : v)); // only the last row differs
    const run = () => checkHeadConsistency({ ...base, features: wrong, firstRow: 100 });
    expect(run).toThrow(FeatureHeadMismatchError);
    expect(run).toThrow(/\/m\/onnx\/model\.onnx: the ONNX output "features" is not the input of the checkpoint's head "classifier": at row 119/);
  });

  it('names the pooled output when the graph has no "features"', () => {
    const wrong = features.map((v) => v + 1);
    expect(() => checkHeadConsistency({ ...base, output: 'last_hidden_state', features: wrong })).toThrow(/features pooled from the ONNX output "last_hidden_state"/);
  });

  it('fails on NaN logits and on a class-count mismatch', () => {
    const nan = base.logits.slice();
    nan[0] = Number.NaN;
    expect(() => checkHeadConsistency({ ...base, logits: nan })).toThrow(FeatureHeadMismatchError);
    expect(() => checkHeadConsistency({ ...base, logits: new Float32Array(rows * 2) })).toThrow(/the graph gives 2 logits and 4 features per row, the head has 3 × 4/);
  });

  it('samples evenly, first and last row included', () => {
    const wrongFirst = features.map((v, i) => (i < d ? v + 1 : v));
    expect(() => checkHeadConsistency({ ...base, features: wrongFirst, sample: 2 })).toThrow(/at row 0/);
    expect(() => checkHeadConsistency({ ...base, features: wrongFirst, sample: 1 })).toThrow(/at row 0/);
  });
});
