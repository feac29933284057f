/**
 * Computes the collapse report of a fitted model (docs/attribution.md "Collapse alarm"): the
 * feature spectrum of the whole training store (streamed chunk by chunk) and the diversity of the
 * top-k proponents/opponents over a deterministic sample of queries.
 *
 * Queries: the test store named by the run file (`dualxda-run.json`, as `demo` and `cache` write it)
 * when it exists and has the training store's width, because the question is about test
 * e-mails; otherwise a sample of the training rows themselves, with each row's own entry removed
 * from its lists (a support vector is nearly always its own top proponent, which says nothing).
 */
import { DEFAULT_DIVERSITY_OPTIONS, DEFAULT_SAMPLE_SEED, collapseVerdict, createSpectrumAccumulator, explain, openFeatureStore, proponentDiversity, sampleRowIndices, type CollapseQueries, type CollapseReport, type DualDAModel, type FeatureSpectrum, type ZarrFeatureStore } from '@dualxda/core';
import type { RunContext } from '../context.js';
import { InterruptedError } from '../errors.js';
import { isDirectory } from '../lib/inputs.js';
import type { BackgroundSpectrum } from './background-spectrum.js';
import { argmaxRows } from './explain-tests.js';

/** Documented defaults of the collapse report (docs/attribution.md). */
export const DEFAULT_COLLAPSE_REPORT_OPTIONS = {
  /** Queries sampled for the diversity figures (all rows when the store has fewer). */
  queries: 1000,
  seed: DEFAULT_SAMPLE_SEED,
  k: DEFAULT_DIVERSITY_OPTIONS.k,
  /** Stored logits are read for the targets only up to this many floats; beyond, the surrogate's argmax. */
  maxLogitFloats: 10_000_000,
} as const;

export interface CollapseReportOptions {
  /** Test store to draw queries from (absolute path); training rows when absent or unusable. */
  testStore?: string;
  queries?: number;
  seed?: number;
  k?: number;
  /** The training store's spectrum, already started in the background (`fit`); computed here when absent or failed. */
  spectrum?: BackgroundSpectrum;
  /**
   * Store row of each row of `train` when `train` holds a subset of the store (a candidate-set fit
   * keeps only the rows labelled in the set), and the store's row count: the report names store
   * rows, like every other command.
   */
  storeRows?: { of: Int32Array; total: number };
  /**
   * Called once the report has read all it needs of `train`'s rows (spectrum and query sample),
   * before the explanations: `fit` then lets go of the rows it holds in memory.
   */
  onRowsRead?: () => void;
}

/** The spectrum of every row of a store, streamed (memory: K + 1 d×d float64 matrices). */
export async function storeSpectrum(store: ZarrFeatureStore, numClasses: number, ctx: RunContext): Promise<FeatureSpectrum> {
  const acc = createSpectrumAccumulator(store.dim, numClasses);
  const bar = ctx.progress({ label: 'collapse check: feature spectrum', total: store.rows, unit: 'rows' });
  // add() copies the rows into its own stage, so the blocks' memory can serve the next chunk.
  for await (const block of store.iterChunks({ signal: ctx.signal, reuseBuffers: true })) {
    acc.add({ data: block.features, shape: [block.rows, block.dim] }, block.labels);
    bar.update(block.start + block.rows);
  }
  bar.done(`${store.rows} rows x ${store.dim}`);
  return acc.finish();
}

async function spectrumOf(train: ZarrFeatureStore, K: number, background: BackgroundSpectrum | undefined, ctx: RunContext): Promise<FeatureSpectrum> {
  if (background !== undefined) {
    try {
      return await background.result(ctx);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.warn(`collapse check: the background spectrum failed (${err instanceof Error ? err.message : String(err)}); computing it here`);
    }
  }
  return storeSpectrum(train, K, ctx);
}

interface QuerySample {
  meta: CollapseQueries;
  features: Float32Array;
  /** Store row of each query (training rows: to drop self matches). */
  indices: Int32Array;
  targets: Int32Array | undefined;
}

async function openQueryStore(train: ZarrFeatureStore, testStore: string | undefined, ctx: RunContext): Promise<{ store: ZarrFeatureStore; source: 'test' | 'train'; path: string }> {
  if (testStore !== undefined && (await isDirectory(testStore))) {
    try {
      const test = await openFeatureStore(testStore);
      if (test.dim === train.dim && test.rows > 0) return { store: test, source: 'test', path: testStore };
      ctx.warn(`collapse check: test store ${testStore} has ${test.rows} rows x ${test.dim} features (training: ${train.dim}); sampling training rows instead`);
    } catch (err) {
      ctx.warn(`collapse check: cannot open test store ${testStore} (${err instanceof Error ? err.message : String(err)}); sampling training rows instead`);
    }
  }
  return { store: train, source: 'train', path: train.path };
}

async function sampleQueries(train: ZarrFeatureStore, K: number, o: { queries: number; seed: number; testStore?: string | undefined }, ctx: RunContext): Promise<QuerySample> {
  const { store, source, path } = await openQueryStore(train, o.testStore, ctx);
  const indices = sampleRowIndices(store.rows, o.queries, o.seed);
  const block = await store.gatherRows(indices);
  // The explained class: the network's prediction when its logits are stored (what `explain` and
  // the demo show), else the surrogate's argmax (explain's default).
  let targets: Int32Array | undefined;
  if (store.logitsDim === K && store.rows * K <= DEFAULT_COLLAPSE_REPORT_OPTIONS.maxLogitFloats) {
    const logits = await store.readLogits(0, store.rows);
    const predicted = argmaxRows(logits, store.rows, K);
    targets = Int32Array.from(indices, (r) => predicted[r] as number);
  }
  const meta: CollapseQueries = { source, rows: store.rows, sampled: indices.length, seed: o.seed, targets: targets === undefined ? 'surrogate' : 'model', path };
  return { meta, features: block.features, indices, targets };
}

/**
 * The full report for a fitted model: spectrum of `train`, diversity over sampled queries, verdict.
 * Throws `InterruptedError` on Ctrl-C.
 */
export async function computeCollapseReport(model: DualDAModel, train: ZarrFeatureStore, ctx: RunContext, options: CollapseReportOptions = {}): Promise<CollapseReport> {
  const o = { queries: options.queries ?? DEFAULT_COLLAPSE_REPORT_OPTIONS.queries, seed: options.seed ?? DEFAULT_COLLAPSE_REPORT_OPTIONS.seed, k: options.k ?? DEFAULT_COLLAPSE_REPORT_OPTIONS.k, testStore: options.testStore };
  const K = model.classNames.length;
  const interrupted = (): InterruptedError => new InterruptedError('the model is saved; the collapse report was not written (`dualxda inspect` recomputes it)');
  let spectrum: FeatureSpectrum;
  try {
    spectrum = await spectrumOf(train, K, options.spectrum, ctx);
  } catch (err) {
    if (ctx.signal.aborted) throw interrupted();
    throw err;
  }
  if (ctx.signal.aborted) throw interrupted();
  const q = await sampleQueries(train, K, o, ctx);
  options.onRowsRead?.();
  const self = q.meta.source === 'train';
  const result = explain(model, { data: q.features, shape: [q.indices.length, train.dim] }, { topK: o.k + (self ? 1 : 0), ...(q.targets === undefined ? {} : { targets: q.targets }) });
  const toStore = (i: number): number => options.storeRows?.of[i] ?? i;
  const lists = (side: 'proponents' | 'opponents'): number[][] =>
    result.rows.map((r, t) => r[side].map((a) => a.index).filter((i) => !self || i !== q.indices[t]).slice(0, o.k).map(toStore));
  const idOfSv = new Map<number, string>();
  model.svIndices.forEach((r, s) => idOfSv.set(toStore(r), model.svIds[s] ?? String(toStore(r))));
  const diversity = proponentDiversity({ proponents: lists('proponents'), opponents: lists('opponents'), trainRows: options.storeRows?.total ?? train.rows }, { k: o.k, idOf: (r) => idOfSv.get(r) ?? String(r) });
  const verdict = collapseVerdict(spectrum, diversity, { queries: self ? 'sampled training rows' : 'test rows' });
  return { schemaVersion: 1, spectrum, diversity, queries: q.meta, verdict, createdAt: new Date().toISOString() };
}
