import { loadDualDAModel, openFeatureStore, saveDualDAModel, type CollapseReport, type DualDAModel, type ZarrFeatureStore } from '@dualxda/core';
import { solveCrammerSingerAsync, solveCrammerSingerBlocks, solveCrammerSingerParallel, type SolverOptions, type SolverResult } from '@dualxda/solver';
import type { RunContext } from '../context.js';
import { InputError, InterruptedError, UsageError } from '../errors.js';
import { writeCollapseReport } from '../lib/collapse-file.js';
import { readRunRecord } from '../lib/run-file.js';
import { startRowsSpectrum, startStoreSpectrum, type BackgroundSpectrum } from './background-spectrum.js';
import { computeCollapseReport, type CollapseReportOptions } from './collapse-report.js';
import { expandWeights, readFitRows, releaseFeatures, withRowsInMemory, type FitRows } from './fit-rows.js';
import { describeClassSet, resolveClassSet, restrictToClasses, type ClassRestriction, type ClassSetSpec } from './fit-classes.js';
import { toFitError } from './solver-errors.js';

/**
 * The CLI's default C. The solver's own default is LIBLINEAR's C = 1; DualDA's paper and README
 * use 1e-3 (dualda.md §1.8), which also gives the sparse explanations the tool is about.
 */
export const DEFAULT_FIT_C = 1e-3;

/**
 * Largest dense α (rows × classes float64) a fit without `--classes` may need: the solver keeps
 * α dense, so a store with an LM head (K = vocabulary) must declare a candidate set instead.
 */
export const DENSE_ALPHA_BUDGET_BYTES = 2 ** 31;

/**
 * Largest feature spectrum the collapse report may accumulate ((K + 1) d × d float64 matrices);
 * past it (many candidate classes on wide features) the report is skipped with a warning.
 */
export const COLLAPSE_SPECTRUM_BUDGET_BYTES = 512 * 2 ** 20;

/**
 * rows × d² from which `fit --mode block` computes the collapse report's spectrum on a worker
 * thread during the solve, streaming the store a second time: about 1 s of accumulation on one
 * core (e.g. 8,000 rows of 768-d features).
 */
export const BACKGROUND_SPECTRUM_MIN_WORK = 4e9;

/**
 * rows × d² from which the in-memory modes compute the spectrum on a worker during the solve, from
 * the rows already read (shared, not copied): ≈ 0.06 s of accumulation, about what the worker
 * costs to start (≈ 0.1 s CPU on another core, ≈ 10 MiB). The 60,000 × 128 bench (9.8e8, 0.3 s)
 * runs it there.
 */
export const ROWS_SPECTRUM_MIN_WORK = 2e8;

/** Inputs of `fitStore`. */
export interface FitStoreOptions {
  C?: number;
  tolerance?: number;
  timeBudgetMs?: number;
  threads?: number;
  maxPasses?: number;
  /** memory (default; parallel when threads != 1), block (out-of-core) or parallel. */
  mode?: 'memory' | 'block' | 'parallel';
  /** A declared candidate set of classes (`--classes`); default: every class of the store. */
  classes?: ClassSetSpec;
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
  mode: 'memory' | 'block' | 'parallel';
  /** With `--classes`: the rule, the classes of the store, and the rows dropped (label outside the set). */
  candidateClasses?: { rule: string; storeClasses: number; rowsDropped: number };
}

/** Share of training rows the surrogate (argmax W x + b) labels correctly, chunk by chunk. */
async function surrogateAccuracy(model: DualDAModel, store: ZarrFeatureStore, signal: AbortSignal): Promise<number> {
  const K = model.bias.length;
  const dim = store.dim;
  let correct = 0;
  // Each block is reduced before the next is asked for: reuse its memory (docs/store-format.md).
  for await (const block of store.iterChunks({ signal, reuseBuffers: true })) {
    for (let i = 0; i < block.rows; i++) {
      let best = -Infinity;
      let arg = 0;
      for (let m = 0; m < K; m++) {
        let s = model.bias[m]!;
        for (let j = 0; j < dim; j++) s += model.weights[m * dim + j]! * block.features[i * dim + j]!;
        if (s > best) {
          best = s;
          arg = m;
        }
      }
      if (arg === block.labels[i]) correct += 1;
    }
  }
  return store.rows === 0 ? 0 : correct / store.rows;
}

/**
 * The solver only knows the classes that have rows (compacted via `labelMapping`, or simply fewer
 * when the top classes are empty); put the columns back at the store's class ids so α[:, m]
 * always means store class m. Empty classes get zero weights and bias.
 */
function expandClasses(result: SolverResult, K: number): SolverResult {
  if (result.classes === K) return result;
  const map = result.labelMapping ?? Int32Array.from({ length: result.classes }, (_, k) => k);
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

async function toModel(result: SolverResult, C: number, store: ZarrFeatureStore, classNames: string[]): Promise<DualDAModel> {
  const sv = await store.gatherRows(result.svIndices);
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
  const { manifest } = store;
  return { svIndices: result.svIndices, svIds: sv.ids, svAlpha: result.svAlpha, svFeatures: sv.features, svNorms: sv.norms, weights: result.weights, bias: result.bias, C, classNames, diagnostics, modelHash: manifest.modelHash, datasetRevision: manifest.datasetRevision };
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
 * Computes and records the collapse report of a freshly saved model (`<store>/dualda/collapse.json`;
 * queries from the run file's test store when it names one). A failure here does not undo the fit:
 * it is a warning and the report is null; Ctrl-C still stops the command. From `fit`: `saved`, the
 * model save still in flight (the report is computed meanwhile, written after; its failure is
 * thrown), and `onRowsRead`, passed on to `computeCollapseReport`.
 */
export async function recordCollapseReport(storePath: string, model: DualDAModel, store: ZarrFeatureStore, ctx: RunContext, spectrum?: BackgroundSpectrum, storeRows?: CollapseReportOptions['storeRows'], fit: { saved?: Promise<void>; onRowsRead?: () => void } = {}): Promise<CollapseReport | null> {
  const saved = fit.saved ?? Promise.resolve();
  try {
    const run = await readRunRecord(storePath);
    const report = await computeCollapseReport(model, store, ctx, { ...(run?.testStore === undefined ? {} : { testStore: run.testStore }), ...(spectrum === undefined ? {} : { spectrum }), ...(storeRows === undefined ? {} : { storeRows }), ...(fit.onRowsRead === undefined ? {} : { onRowsRead: fit.onRowsRead }) });
    // The report goes into the saved model's directory; a failed save is the fit's error, not a warning.
    await saved;
    await writeCollapseReport(storePath, report);
    return report;
  } catch (err) {
    await saved;
    if (err instanceof InterruptedError) throw err;
    ctx.warn(`collapse check skipped: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/**
 * Reads a store, solves the Crammer–Singer dual and saves the DualDA model into `<store>/dualda/`
 * (atomically: an interrupted fit leaves the previous model, if any, in place), then records the
 * collapse report next to it (`collapse`, null when it could not be computed).
 */
export async function fitStore(storePath: string, options: FitStoreOptions, ctx: RunContext): Promise<{ model: DualDAModel; summary: FitSummary; collapse: CollapseReport | null }> {
  const onDisk = await openFeatureStore(storePath);
  const { manifest } = onDisk;
  const mode = options.mode ?? (options.threads !== undefined && options.threads !== 1 ? 'parallel' : 'memory');
  // The in-memory modes read the store once; every later step reads those rows (block mode
  // stays out of core and streams the store each time).
  if (options.classes !== undefined && mode === 'block') throw new UsageError('--classes needs the in-memory solver (it drops the rows outside the set before solving)', 'leave out --mode block');
  const inMemory = mode === 'block' ? undefined : await readFitRows(onDisk, ctx);
  const restriction = inMemory && options.classes !== undefined ? await restrictRows(storePath, inMemory, options.classes, manifest.classNames, ctx) : undefined;
  // After a restriction the rows are the kept ones (0 … kept − 1); the saved model's svIndices are mapped back.
  const store = inMemory ? withRowsInMemory(onDisk, inMemory) : onDisk;
  const labels = inMemory ? inMemory.labels : await store.readLabels();
  const C = options.C ?? DEFAULT_FIT_C;
  const K = restriction ? restriction.classIds.length : Math.max(manifest.classNames.length, 1 + labels.reduce((a, b) => Math.max(a, b), 0));
  const classNames = restriction ? Array.from(restriction.classIds, (c) => manifest.classNames[c] ?? `class_${c}`) : Array.from({ length: K }, (_, k) => manifest.classNames[k] ?? `class_${k}`);
  if (!restriction && store.rows * K * 8 > DENSE_ALPHA_BUDGET_BYTES) {
    throw new UsageError(
      `${storePath}: ${store.rows} rows x ${K} classes need a dense alpha of ${((store.rows * K * 8) / 2 ** 30).toFixed(1)} GiB (budget ${DENSE_ALPHA_BUDGET_BYTES / 2 ** 30} GiB); an LM head's classes are its vocabulary`,
      'declare a candidate set: --classes top:N (the N most frequent labels), --classes labels, or --classes FILE (docs/solver.md)',
    );
  }
  // The collapse report's spectra ((K + 1) d × d float64) can outgrow memory with many candidate classes.
  const spectrumBytes = (K + 1) * store.dim * store.dim * 8;
  const withCollapse = spectrumBytes <= COLLAPSE_SPECTRUM_BUDGET_BYTES;
  const bar = ctx.progress({ label: 'fit: solving', unit: 'passes' });
  const solverOptions: SolverOptions = {
    C,
    ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    ...(options.timeBudgetMs === undefined ? {} : { timeBudgetMs: options.timeBudgetMs }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.maxPasses === undefined ? {} : { maxPasses: options.maxPasses }),
    signal: ctx.signal,
    onProgress: (p) => bar.update(p.pass),
  };
  ctx.log(`fit: Crammer-Singer SVM (${mode}) on ${store.rows} rows x ${store.dim} features, ${K} classes, C=${C}`);
  // The collapse report's spectrum needs only the rows and labels: unless it is short work it runs on
  // another thread during the solve. In memory, the worker reads the rows just read (after
  // --classes, the kept ones, as the report's storeSpectrum over `store` would), sharing the
  // features' SharedArrayBuffer; block mode streams the store again (so not with a candidate set).
  const spectrumWork = (inMemory ? inMemory.rows : onDisk.rows) * store.dim * store.dim;
  const spectrum = !withCollapse
    ? undefined
    : inMemory
      ? spectrumWork >= ROWS_SPECTRUM_MIN_WORK
        ? startRowsSpectrum(inMemory, inMemory.labels, K, onDisk.chunkRows)
        : undefined
      : restriction === undefined && spectrumWork >= BACKGROUND_SPECTRUM_MIN_WORK
        ? startStoreSpectrum(storePath, K, onDisk.rows)
        : undefined;
  let result: SolverResult;
  try {
    if (!inMemory) {
      result = await solveCrammerSingerBlocks(store, solverOptions);
    } else {
      result = await solveInMemory(inMemory, mode === 'parallel', solverOptions);
    }
  } catch (err) {
    spectrum?.cancel();
    // C too large for the data, a diverged (NaN) solve, NaN features, one class: never a saved model.
    throw toFitError(err, storePath, C);
  }
  bar.done(`${result.iterations} passes`);
  if (result.stopReason === 'aborted' || ctx.signal.aborted) spectrum?.cancel();
  if (result.stopReason === 'aborted' || ctx.signal.aborted) throw new InterruptedError('the store is unchanged (no model saved); rerun `dualxda fit` to start again');
  if (result.classes !== K) ctx.warn(`the solver saw ${result.classes} classes, the store names ${K}; classes without training rows get no support vectors`);
  // Candidate set: the solve and the steps below run on the kept rows; the saved model points at store rows.
  const solved = await toModel(expandClasses(result, K), C, store, classNames);
  const model = restriction === undefined ? solved : toStoreRows(solved, restriction, manifest.classNames.length);
  // The save is mostly file I/O on libuv's threads: the collapse report is computed meanwhile and
  // written once the model's directory is in place (recordCollapseReport awaits `saved`).
  const saved = saveDualDAModel(storePath, model);
  saved.catch(() => undefined);
  const summary: FitSummary = {
    C,
    rows: store.rows,
    dim: store.dim,
    classes: K,
    supportVectors: result.svIndices.length,
    svPerClass: supportVectorsPerClass(solved, (s) => labels[solved.svIndices[s]!]!),
    converged: result.converged,
    stopReason: result.stopReason,
    iterations: result.iterations,
    maxViolation: result.maxViolation,
    dualityGap: result.dualityGap,
    seconds: result.seconds,
    // The solver's final pass already classified every row, unless classes were added back empty.
    trainAccuracy: result.classes === K ? result.trainAccuracy : await surrogateAccuracy(solved, store, ctx.signal),
    mode,
    ...(restriction === undefined ? {} : { candidateClasses: { rule: restriction.rule, storeClasses: manifest.classNames.length, rowsDropped: restriction.dropped } }),
  };
  if (!withCollapse) ctx.warn(`collapse check skipped: ${K} classes x ${store.dim}^2 features need ${(spectrumBytes / 2 ** 20).toFixed(0)} MiB of spectra (budget ${COLLAPSE_SPECTRUM_BUDGET_BYTES / 2 ** 20} MiB)`);
  // A candidate-set report runs on the kept rows; it names store rows (restriction.storeRows).
  const collapse = withCollapse ? await recordCollapseReport(storePath, solved, store, ctx, spectrum, restriction && { of: restriction.storeRows, total: onDisk.rows }, { saved, ...(inMemory ? { onRowsRead: () => releaseFeatures(inMemory) } : {}) }) : null;
  await saved;
  return { model, summary, collapse };
}

/** Resolves the candidate set and drops the rows outside it (in place), logging what it did. */
async function restrictRows(storePath: string, rows: Parameters<typeof restrictToClasses>[0], spec: ClassSetSpec, classNames: readonly string[], ctx: RunContext): Promise<ClassRestriction & { rule: string }> {
  const ids = await resolveClassSet(spec, rows.labels, classNames);
  const total = rows.rows;
  const r = restrictToClasses(rows, ids);
  if (rows.rows === 0) throw new InputError(storePath, `--classes ${describeClassSet(spec)}: none of the ${total} training rows has a label in the candidate set`, 'use --classes labels or a larger top:N');
  ctx.log(`fit: candidate set ${describeClassSet(spec)}: ${ids.length} of ${classNames.length} classes; ${r.dropped} of ${total} rows have a label outside it and are dropped`);
  return { ...r, rule: describeClassSet(spec) };
}

/** The model of a candidate-set solve, pointing at store rows and classes (`classIds`). */
function toStoreRows(model: DualDAModel, r: ClassRestriction & { rule: string }, storeClasses: number): DualDAModel {
  const diagnostics = { ...model.diagnostics, candidateClasses: { rule: r.rule, classes: r.classIds.length, storeClasses, rowsKept: r.storeRows.length, rowsDropped: r.dropped } };
  return { ...model, svIndices: Int32Array.from(model.svIndices, (s) => r.storeRows[s] as number), classIds: Array.from(r.classIds), diagnostics };
}

/**
 * The in-memory solve, in a function of its own: a suspended async function keeps its whole
 * register file alive, so `fitStore` holding the features in a local across its later awaits would
 * keep them from being released before the collapse report (`releaseFeatures`).
 */
async function solveInMemory(m: FitRows, parallel: boolean, options: SolverOptions): Promise<SolverResult> {
  const matrix = { data: m.features, shape: [m.rows, m.cols?.length ?? m.dim] };
  // The serial solve gives the event loop a turn between passes, so Ctrl-C (ctx.signal) stops it
  // at the next pass; on this thread it needs no worker start-up and no second heap.
  const solved = parallel ? await solveCrammerSingerParallel(matrix, m.labels, options) : await solveCrammerSingerAsync(matrix, m.labels, options);
  return { ...solved, weights: expandWeights(m, solved.weights, solved.classes), dim: m.dim };
}

/** Loads the model `fit` saved, with a hint when there is none. */
export async function loadFittedModel(storePath: string): Promise<DualDAModel> {
  return loadDualDAModel(storePath);
}
