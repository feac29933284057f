/**
 * Opens `dualxda serve STORE` inputs from disk: the training store (with its `dualda/` model group),
 * the test store and an optional checkpoint for XDA. Defaults for the test store and the model
 * directory come from `<STORE>/dualxda-run.json`, which `dualxda demo` and `cache` write. Either
 * store may be an http(s) URL of a static file server: it is only read, and nothing (no cache, no
 * run file) is written beside it.
 */
import { DualxdaError, isHttpUrl, loadDualDAModel, openFeatureStore, type FeatureStoreReader } from '@dualxda/core';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readCollapseReport } from '../lib/collapse-file.js';
import { checkpointModelHash, checkpointWeightFiles } from '../lib/file-hash.js';
import { readRunRecord, RUN_FILE, type RunRecord } from '../lib/run-file.js';
import { checkCompatible } from '../steps/compatibility.js';
import { createTextEmbedder } from './text-embedder.js';
import type { DashboardData, SurrogateModel, TestSource, TextEmbedder, TrainSource, XdaProvider } from './types.js';
import { createXdaDiskCache, XDA_CACHE_DIR, xdaModelVersion } from './xda-disk-cache.js';

/** Paths after applying the run file. */
export interface DashboardPaths {
  store: string;
  test: string;
  model: string | undefined;
}

/** Builds an XDA provider for a checkpoint directory (wired by the CLI from @dualxda/xda + llm-adapter). */
export type XdaFactory = (modelDir: string, options?: { maxTokens?: number }) => Promise<XdaProvider>;

/** Applies run-file defaults (`lib/run-file.ts`: paths already absolute, or URLs beside a remote store); explicit flags win. */
export async function resolveDashboardPaths(opts: { store: string; test?: string; model?: string }): Promise<DashboardPaths & { run: RunRecord }> {
  const place = (p: string): string => (isHttpUrl(p) ? p.replace(/\/+$/, '') : resolve(p));
  const store = place(opts.store);
  const run = (await readRunRecord(store)) ?? { createdBy: 'unknown' };
  const test = opts.test !== undefined ? place(opts.test) : run.testStore;
  if (test === undefined) throw new DualxdaError('InvalidInputError', `${store}: no test store given (--test) and ${RUN_FILE} names none`);
  return { store, test, model: opts.model !== undefined ? resolve(opts.model) : run.modelDir, run };
}

/** Wraps a reader as a training source; rows without a text column read as ''. */
export function trainSourceFromStore(store: FeatureStoreReader): TrainSource {
  return { store, readTexts: async (rows) => (store.gatherTexts === undefined || rows.length === 0 ? rows.map(() => '') : store.gatherTexts(rows)) };
}

/**
 * Wraps a reader as a test source. A store without a `logits` array is refused, except a
 * token-head store, which keeps none by design (rows x vocabulary): its predictions are the surrogate's.
 */
export function testSourceFromStore(store: FeatureStoreReader): TestSource {
  const readLogits = store.readLogits;
  if (readLogits === undefined || !(store.manifest.logitsDim !== undefined && store.manifest.logitsDim > 0)) {
    if (store.manifest.head === 'token') return { ...trainSourceFromStore(store), readLogits: async () => null };
    throw new DualxdaError('StoreFormatError', `${store.path}: the test store has no 'logits' array (the original model's logits); rebuild it with \`dualxda cache\``);
  }
  return { ...trainSourceFromStore(store), readLogits: () => readLogits.call(store, 0, store.rows) };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Opens stores, the model and (when a checkpoint and a factory exist) XDA. */
export async function openDashboardData(opts: { store: string; test?: string; model?: string; xdaFactory?: XdaFactory; allowMismatch?: boolean; warn?: (line: string) => void }): Promise<DashboardData> {
  const paths = await resolveDashboardPaths(opts);
  const [trainStore, testStore] = await Promise.all([openFeatureStore(paths.store), openFeatureStore(paths.test)]);
  const loaded = await loadDualDAModel(paths.store);
  const tm = testStore.manifest;
  checkCompatible(loaded, tm.dim, { source: paths.test, modelHash: tm.modelHash, classNames: tm.classNames }, opts.allowMismatch === true, opts.warn ?? (() => undefined));
  const collapse = await readCollapseReport(paths.store);
  const model: SurrogateModel = { ...loaded, ...(paths.run.faithfulness === undefined ? {} : { faithfulness: paths.run.faithfulness }), ...(collapse === undefined ? {} : { collapse }) };
  let xda: XdaProvider | undefined;
  let embedText: (TextEmbedder & { release(): Promise<void> }) | undefined;
  let reason: string | undefined;
  if (paths.model === undefined) reason = `no model checkpoint configured (pass --model DIR or set modelDir in ${RUN_FILE})`;
  else if (isHttpUrl(paths.model)) reason = `the checkpoint ${paths.model} is a URL (beside a store read over HTTP); XDA needs a local directory: pass --model DIR`;
  else if (!(await isDir(paths.model))) reason = `model directory ${paths.model} does not exist`;
  else if (opts.xdaFactory === undefined) reason = 'this build has no XDA engine wired into the server';
  else {
    // The heatmaps re-run this checkpoint: it must be the one that built STORE (its modelHash is
    // the sha256 of its weights files, single or sharded, as llm-adapter computes it).
    const weights = await checkpointWeightFiles(paths.model);
    if (weights.length > 0) {
      const d = loaded.weights.length / Math.max(1, loaded.classNames.length);
      checkCompatible(loaded, d, { source: paths.model, modelHash: await checkpointModelHash(weights), classNames: [] }, opts.allowMismatch === true, opts.warn ?? (() => undefined));
    }
    // Texts are cut like the stores' were (the run file's maxLength): else features differ from the stored ones.
    const maxLength = paths.run.maxLength;
    xda = await opts.xdaFactory(paths.model, maxLength === undefined ? {} : { maxTokens: maxLength });
    embedText = createTextEmbedder(paths.model, undefined, maxLength);
  }
  return {
    train: trainSourceFromStore(trainStore),
    test: testSourceFromStore(testStore),
    model,
    ...(xda !== undefined ? { xda } : { xdaUnavailableReason: reason }),
    ...(embedText === undefined ? {} : { embedText, release: embedText.release }),
    // Computed pairs persist beside a local store (a store read over HTTP keeps them in memory).
    ...(xda !== undefined && !isHttpUrl(paths.store) ? { xdaJobs: { disk: createXdaDiskCache({ dir: join(paths.store, XDA_CACHE_DIR), version: await xdaModelVersion(paths.store, paths.model), ...(opts.warn === undefined ? {} : { warn: opts.warn }) }) } } : {}),
    paths: { train: paths.store, test: paths.test, ...(paths.model !== undefined ? { model: paths.model } : {}) },
  };
}
