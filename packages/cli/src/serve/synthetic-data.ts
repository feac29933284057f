/**
 * A small, seeded dashboard dataset: clustered features with generated texts, a linear "original
 * model" for the test logits, and a real Crammer–Singer surrogate from @dualxda/solver. Used by the
 * server's tests, the end-to-end test and `dualxda serve --demo`-style smoke runs.
 */
import { mulberry32 } from '@dualxda/core';
import { solveCrammerSinger } from '@dualxda/solver';
import { createMemoryTestSource, createMemoryTrainSource } from './memory-store.js';
import type { DashboardData, SurrogateModel } from './types.js';
import type { StoreContent } from './write-stores.js';

/** Sizes of a synthetic dataset. */
export interface SyntheticSpec {
  trainRows: number;
  testRows: number;
  dim: number;
  classNames: string[];
  /** Fraction of training labels flipped (mislabel candidates). @default 0.05 */
  labelNoise?: number;
  C?: number;
  seed?: number;
}

const WORDS: Record<number, string[]> = {
  0: ['match', 'goal', 'league', 'coach', 'season', 'striker', 'final', 'team'],
  1: ['market', 'shares', 'profit', 'bank', 'merger', 'revenue', 'stocks', 'investor'],
  2: ['chip', 'software', 'startup', 'browser', 'laptop', 'network', 'update', 'robot'],
  3: ['election', 'minister', 'treaty', 'summit', 'senate', 'border', 'vote', 'policy'],
};
const FILLER = ['the', 'a', 'new', 'report', 'says', 'after', 'week', 'today', 'with', 'on'];

function makeRows(n: number, dim: number, K: number, centers: Float32Array, rand: () => number): { features: Float32Array; labels: Int32Array; texts: string[] } {
  const features = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const texts: string[] = [];
  for (let r = 0; r < n; r++) {
    const y = Math.floor(rand() * K);
    labels[r] = y;
    for (let i = 0; i < dim; i++) features[r * dim + i] = centers[y * dim + i] + (rand() * 2 - 1) * 1.4;
    const own = WORDS[y % 4];
    const words: string[] = [];
    for (let w = 0; w < 8 + Math.floor(rand() * 8); w++) words.push(rand() < 0.45 ? own[Math.floor(rand() * own.length)] : FILLER[Math.floor(rand() * FILLER.length)]);
    texts.push(`${words.join(' ')} #${r}`);
  }
  return { features, labels, texts };
}

/** Arrays of a synthetic run plus its solved surrogate. */
export interface SyntheticRun {
  dim: number;
  classNames: string[];
  train: { features: Float32Array; labels: Int32Array; texts: string[] };
  test: { features: Float32Array; labels: Int32Array; texts: string[]; logits: Float32Array };
  solution: { svIndices: Int32Array; svAlpha: Float64Array; weights: Float64Array; bias: Float64Array; C: number; diagnostics: Record<string, number | boolean> };
}

/** Builds the arrays and solves the surrogate; deterministic in `seed`. */
export function createSyntheticRun(spec: SyntheticSpec): SyntheticRun {
  const rand = mulberry32(spec.seed ?? 7);
  const K = spec.classNames.length;
  const { dim } = spec;
  const centers = new Float32Array(K * dim);
  for (let q = 0; q < centers.length; q++) centers[q] = rand() * 2 - 1;
  const train = makeRows(spec.trainRows, dim, K, centers, rand);
  const noise = spec.labelNoise ?? 0.05;
  for (let r = 0; r < spec.trainRows; r++) if (rand() < noise) train.labels[r] = (train.labels[r] + 1 + Math.floor(rand() * (K - 1))) % K;
  const test = makeRows(spec.testRows, dim, K, centers, rand);
  // The "original model": a linear head on the same features, so model and surrogate mostly agree.
  const logits = new Float32Array(spec.testRows * K);
  for (let t = 0; t < spec.testRows; t++) {
    for (let m = 0; m < K; m++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += test.features[t * dim + i] * centers[m * dim + i];
      logits[t * K + m] = s + (rand() - 0.5);
    }
  }
  const C = spec.C ?? 0.01;
  const solved = solveCrammerSinger({ data: train.features, shape: [spec.trainRows, dim] }, train.labels, { C, maxPasses: 200 });
  return {
    dim,
    classNames: spec.classNames,
    train,
    test: { ...test, logits },
    solution: { svIndices: solved.svIndices, svAlpha: solved.svAlpha, weights: solved.weights, bias: solved.bias, C, diagnostics: { iterations: solved.iterations, converged: solved.converged, dualityGap: solved.dualityGap } },
  };
}

/** In-memory dashboard data over a synthetic run (no disk). */
export function createSyntheticDashboardData(spec: SyntheticSpec): DashboardData & { model: SurrogateModel } {
  const run = createSyntheticRun(spec);
  const { dim, classNames, train, test, solution } = run;
  const model: SurrogateModel = { C: solution.C, classNames, svIndices: solution.svIndices, svAlpha: solution.svAlpha, bias: solution.bias, diagnostics: solution.diagnostics };
  return {
    train: createMemoryTrainSource({ features: train.features, dim, labels: train.labels, classNames, texts: train.texts }, 'memory:train'),
    test: createMemoryTestSource({ features: test.features, dim, labels: test.labels, classNames, texts: test.texts, logits: test.logits }, 'memory:test'),
    model,
  };
}

/** Store contents of one side of a synthetic run, in batches of `batch` rows. */
export function syntheticStoreContent(run: SyntheticRun, side: 'train' | 'test', batch = 1000): StoreContent {
  const cols = run[side];
  const K = run.classNames.length;
  const rows = cols.labels.length;
  const logits = side === 'test' ? run.test.logits : undefined;
  return {
    rows,
    dim: run.dim,
    classNames: run.classNames,
    logitsDim: logits === undefined ? 0 : K,
    *batches() {
      for (let s = 0; s < rows; s += batch) {
        const e = Math.min(rows, s + batch);
        yield {
          features: cols.features.subarray(s * run.dim, e * run.dim),
          labels: cols.labels.subarray(s, e),
          ids: Array.from({ length: e - s }, (_, i) => `${side}-${s + i}`),
          texts: cols.texts.slice(s, e),
          ...(logits === undefined ? {} : { logits: logits.subarray(s * K, e * K) }),
        };
      }
    },
  };
}
