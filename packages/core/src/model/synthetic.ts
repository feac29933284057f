/**
 * Seeded synthetic DualDA models for tests and benches: random features, labels and dual
 * variables that satisfy the Crammer–Singer constraints of dualda.md §1.5 (row sums 0,
 * 0 ≤ α[i, y_i] ≤ C, α[i, m≠y_i] ≤ 0), with weights and bias derived exactly from them.
 * Not a solver: it only produces a consistent model to attribute against.
 */
import { mulberry32 } from '../random.js';
import type { DualDAModel } from './types.js';

export interface SyntheticModelSpec {
  n: number;
  d: number;
  K: number;
  C?: number;
  /** Fraction of training rows that become support vectors. */
  svFraction?: number;
  seed?: number;
}

/** A synthetic model plus the full training set it came from. */
export interface SyntheticModel {
  model: DualDAModel;
  features: Float32Array;
  labels: Int32Array;
}

export function createSyntheticModel({ n, d, K, C = 0.1, svFraction = 0.5, seed = 1 }: SyntheticModelSpec): SyntheticModel {
  const rand = mulberry32(seed);
  const features = new Float32Array(n * d);
  for (let q = 0; q < features.length; q++) features[q] = rand() * 2 - 1;
  const labels = new Int32Array(n);
  const sv: number[] = [];
  const alphaRows: number[][] = [];
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(rand() * K);
    if (rand() >= svFraction) continue;
    const y = labels[i] as number;
    const row = new Array<number>(K).fill(0);
    // Bound SVs (α = C) and free SVs both occur in real fits.
    const ay = rand() < 0.3 ? C : C * (0.05 + 0.95 * rand());
    row[y] = ay;
    const others = [...Array(K).keys()].filter((m) => m !== y && rand() < 0.7);
    if (others.length === 0) others.push((y + 1) % K);
    const w = others.map(() => rand() + 0.1);
    const tot = w.reduce((x, z) => x + z, 0);
    others.forEach((m, q) => (row[m] = (-ay * (w[q] as number)) / tot));
    row[y] = -row.reduce((x, z, m) => (m === y ? x : x + z), 0);
    sv.push(i);
    alphaRows.push(row);
  }
  const nSV = sv.length;
  const svFeatures = new Float32Array(nSV * d);
  const svNorms = new Float32Array(nSV);
  const svAlpha = new Float64Array(nSV * K);
  const weights = new Float64Array(K * d);
  const bias = new Float64Array(K);
  sv.forEach((i, j) => {
    svFeatures.set(features.subarray(i * d, (i + 1) * d), j * d);
    let sq = 0;
    for (let q = 0; q < d; q++) sq += (features[i * d + q] as number) ** 2;
    svNorms[j] = Math.sqrt(sq);
    for (let m = 0; m < K; m++) {
      const a = (alphaRows[j] as number[])[m] as number;
      svAlpha[j * K + m] = a;
      bias[m] = (bias[m] as number) + a;
      for (let q = 0; q < d; q++) weights[m * d + q] = (weights[m * d + q] as number) + a * (features[i * d + q] as number);
    }
  });
  const model: DualDAModel = {
    svIndices: Int32Array.from(sv),
    svIds: sv.map((i) => `row-${i}`),
    svAlpha,
    svFeatures,
    svNorms,
    weights,
    bias,
    C,
    classNames: [...Array(K).keys()].map((m) => `class-${m}`),
    diagnostics: { synthetic: true, seed },
    modelHash: 'synthetic-model',
    datasetRevision: 'synthetic-rev',
  };
  return { model, features, labels };
}
