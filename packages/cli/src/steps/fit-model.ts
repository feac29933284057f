import { loadDualDAModel, openFeatureStore, saveDualDAModel, type DualDAModel } from '@dualxda/core';
import { solveCrammerSinger, type SolverResult } from '@dualxda/solver';
import type { RunContext } from '../context.js';
import { InterruptedError } from '../errors.js';
import { readStoreRows } from './read-store.js';

/**
 * The CLI's default C. The solver's own default is LIBLINEAR's C = 1; DualDA's paper and README
 * use 1e-3 (dualda.md §1.8), which also gives the sparse explanations the tool is about.
 */
export const DEFAULT_FIT_C = 1e-3;

/** Inputs of `fitStore`. */
export interface FitStoreOptions {
  C?: number;
  tolerance?: number;
  timeBudgetMs?: number;
  threads?: number;
  maxPasses?: number;
}

/** What `fitStore` reports back. */
export interface FitSummary {
  C: number;
  rows: number;
  dim: number;
  classes: number;
  supportVectors: number;
  svPerClass: number[];
  converged: boolean;
  stopReason: string;
  iterations: number;
  maxViolation: number;
  dualityGap: number;
  seconds: number;
  /** Share of training rows the surrogate (argmax W x + b) labels correctly. */
  trainAccuracy: number;
}

function surrogateAccuracy(model: DualDAModel, features: Float32Array, labels: Int32Array, dim: number): number {
  const K = model.bias.length;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = -Infinity;
    let arg = 0;
    for (let m = 0; m < K; m++) {
      let s = model.bias[m]!;
      const w = m * dim;
      const x = i * dim;
      for (let j = 0; j < dim; j++) s += model.weights[w + j]! * features[x + j]!;
      if (s > best) {
        best = s;
        arg = m;
      }
    }
    if (arg === labels[i]) correct += 1;
  }
  return labels.length === 0 ? 0 : correct / labels.length;
}

/**
 * The solver compacts labels to 0..K'-1 when some store class has no rows (`labelMapping`); put
 * the columns back at the store's class ids so α[:, m] always means store class m.
 */
function expandClasses(result: SolverResult, K: number): SolverResult {
  const map = result.labelMapping;
  if (map === undefined || result.classes === K) return result;
  const k0 = result.classes;
  const d = result.dim;
  const nSV = result.svIndices.length;
  const svAlpha = new Float64Array(nSV * K);
  const weights = new Float64Array(K * d);
  const bias = new Float64Array(K);
  for (let k = 0; k < k0; k++) {
    const m = map[k]!;
    for (let s = 0; s < nSV; s++) svAlpha[s * K + m] = result.svAlpha[s * k0 + k]!;
    weights.set(result.weights.subarray(k * d, (k + 1) * d), m * d);
    bias[m] = result.bias[k]!;
  }
  return { ...result, svAlpha, weights, bias, classes: K };
}

function toModel(result: SolverResult, C: number, rows: Awaited<ReturnType<typeof readStoreRows>>, classNames: string[], modelHash: string, datasetRevision: string): DualDAModel {
  const nSV = result.svIndices.length;
  const d = rows.dim;
  const svFeatures = new Float32Array(nSV * d);
  const svNorms = new Float32Array(nSV);
  const svIds = new Array<string>(nSV);
  for (let s = 0; s < nSV; s++) {
    const i = result.svIndices[s]!;
    svFeatures.set(rows.features.subarray(i * d, (i + 1) * d), s * d);
    svNorms[s] = rows.norms[i]!;
    svIds[s] = rows.ids[i]!;
  }
  const diagnostics = {
    iterations: result.iterations,
    converged: result.converged,
    stopReason: result.stopReason,
    maxViolation: result.maxViolation,
    dualObjective: result.dualObjective,
    primalObjective: result.primalObjective,
    dualityGap: result.dualityGap,
    seconds: result.seconds,
  };
  return { svIndices: result.svIndices, svIds, svAlpha: result.svAlpha, svFeatures, svNorms, weights: result.weights, bias: result.bias, C, classNames, diagnostics, modelHash, datasetRevision };
}

/** Support vectors per class (class = the training label of the row). */
export function supportVectorsPerClass(model: DualDAModel, labelsOf: (svIndex: number) => number): number[] {
  const counts = new Array<number>(model.classNames.length).fill(0);
  for (let s = 0; s < model.svIndices.length; s++) {
    const y = labelsOf(s);
    if (y >= 0 && y < counts.length) counts[y] = (counts[y] ?? 0) + 1;
  }
  return counts;
}

/**
 * Reads a store, solves the Crammer–Singer dual and saves the DualDA model into `<store>/dualda/`
 * (atomically: an interrupted fit leaves the previous model, if any, in place).
 */
export async function fitStore(storePath: string, options: FitStoreOptions, ctx: RunContext): Promise<{ model: DualDAModel; summary: FitSummary }> {
  const store = await openFeatureStore(storePath);
  const { manifest } = store;
  const rows = await readStoreRows(store, ctx, 'fit: reading features');
  const C = options.C ?? DEFAULT_FIT_C;
  const K = Math.max(manifest.classNames.length, 1 + rows.labels.reduce((a, b) => Math.max(a, b), 0));
  const classNames = manifest.classNames.length >= K ? manifest.classNames : Array.from({ length: K }, (_, k) => manifest.classNames[k] ?? `class_${k}`);
  const bar = ctx.progress({ label: 'fit: solving', unit: 'passes' });
  ctx.log(`fit: Crammer-Singer SVM on ${rows.rows} rows x ${rows.dim} features, ${K} classes, C=${C}`);
  const result = solveCrammerSinger({ data: rows.features, shape: [rows.rows, rows.dim] }, rows.labels, {
    C,
    ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    ...(options.timeBudgetMs === undefined ? {} : { timeBudgetMs: options.timeBudgetMs }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.maxPasses === undefined ? {} : { maxPasses: options.maxPasses }),
    signal: ctx.signal,
    onProgress: (p) => bar.update(p.pass),
  });
  bar.done(`${result.iterations} passes`);
  if (result.stopReason === 'aborted' || ctx.signal.aborted) throw new InterruptedError('the store is unchanged (no model saved); rerun `dualxda fit` to start again');
  if (result.classes !== K) ctx.warn(`the solver saw ${result.classes} classes, the store names ${K}; classes without training rows get no support vectors`);
  const model = toModel(expandClasses(result, K), C, rows, classNames, manifest.modelHash, manifest.datasetRevision);
  await saveDualDAModel(storePath, model);
  const summary: FitSummary = {
    C,
    rows: rows.rows,
    dim: rows.dim,
    classes: K,
    supportVectors: result.svIndices.length,
    svPerClass: supportVectorsPerClass(model, (s) => rows.labels[model.svIndices[s]!]!),
    converged: result.converged,
    stopReason: result.stopReason,
    iterations: result.iterations,
    maxViolation: result.maxViolation,
    dualityGap: result.dualityGap,
    seconds: result.seconds,
    trainAccuracy: surrogateAccuracy(model, rows.features, rows.labels, rows.dim),
  };
  return { model, summary };
}

/** Loads the model `fit` saved, with a hint when there is none. */
export async function loadFittedModel(storePath: string): Promise<DualDAModel> {
  return loadDualDAModel(storePath);
}
