import { mulberry32 } from '@dualxda/core';
import { argmaxRows } from './explain-tests.js';
import type { TestInputs } from './test-inputs.js';

/**
 * `n` distinct row indices out of `total`, ascending: a seeded partial Fisher–Yates shuffle, so the
 * same seed picks the same rows on every machine (all rows when n >= total).
 */
export function sampleRows(total: number, n: number, seed: number): number[] {
  if (n >= total) return Array.from({ length: total }, (_, i) => i);
  const rand = mulberry32(seed);
  const idx = Array.from({ length: total }, (_, i) => i);
  for (let a = 0; a < n; a++) {
    const b = a + Math.floor(rand() * (total - a));
    [idx[a], idx[b]] = [idx[b]!, idx[a]!];
  }
  return idx.slice(0, n).sort((a, b) => a - b);
}

/** The given rows of `test`, in that order. */
export function selectTestRows(test: TestInputs, rows: readonly number[]): TestInputs {
  const d = test.dim;
  const k = test.classes;
  const features = new Float32Array(rows.length * d);
  const logits = test.logits === null ? null : new Float32Array(rows.length * k);
  rows.forEach((r, j) => {
    features.set(test.features.subarray(r * d, (r + 1) * d), j * d);
    logits?.set(test.logits!.subarray(r * k, (r + 1) * k), j * k);
  });
  return {
    rows: rows.length,
    dim: d,
    features,
    ids: rows.map((r) => test.ids[r]!),
    provenance: test.provenance,
    texts: rows.map((r) => test.texts[r] ?? ''),
    labels: Int32Array.from(rows, (r) => test.labels[r]!),
    logits,
    classes: k,
  };
}

/** Explained class per test row: the network's argmax when its logits match the model's classes, else undefined (surrogate). */
export function networkTargets(test: TestInputs, classes: number): Int32Array | undefined {
  if (test.logits === null || test.classes !== classes) return undefined;
  return argmaxRows(test.logits, test.rows, classes);
}
