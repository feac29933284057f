import { join } from 'node:path';
import { isHttpUrl, loadDualDAModel, openFeatureStore, writeExplanationsJsonl, writeExplanationsParquet, type ExplanationRecord } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError, UsageError } from '../../errors.js';
import { checkInputFile, checkStoreDir, isFile, resolvePath, resolveStoreInput } from '../../lib/inputs.js';
import { readRunRecord } from '../../lib/run-file.js';
import { formatScore, snippet } from '../../lib/text.js';
import { corpusFiles, loadCorpus } from '../../steps/corpus.js';
import { checkCompatible } from '../../steps/compatibility.js';
import { explainTests, type ExplainedPrediction } from '../../steps/explain-tests.js';
import { goldLabels } from '../../steps/gold-labels.js';
import { testInputsFromStore, testInputsFromTexts, type TestInputs } from '../../steps/test-inputs.js';
import { tokenInputsFromTexts } from '../../steps/token-inputs.js';
import type { ExplainCliOptions } from './spec.js';

/** Default proponents/opponents per prediction on the terminal. */
export const DEFAULT_CLI_TOP_K = 5;

/** The checkpoint for embedding texts: --model, else the run record of the store. */
export async function modelDirFor(store: string, flag: string | undefined, ctx: RunContext, why: string): Promise<string> {
  if (flag !== undefined) return resolvePath(ctx.cwd, flag);
  const run = await readRunRecord(store);
  if (run?.modelDir !== undefined) return run.modelDir;
  if (isHttpUrl(store)) throw new UsageError(`--model is needed to ${why}: ${store} is read over HTTP, and a checkpoint must be a local directory`, 'pass --model DIR (the checkpoint the store was cached with)');
  throw new UsageError(`--model is needed to ${why}, and ${store}/dualxda-run.json names no model`, 'pass --model DIR (the checkpoint the store was cached with)');
}

/** Prints one explained prediction (shared with `demo`). */
export function printPrediction(p: ExplainedPrediction, ctx: RunContext, topK: number): void {
  const gold = p.label >= 0 ? ` (gold label: ${p.labelName})` : '';
  ctx.print(`test ${p.id}: predicted ${p.predictedName} by the ${p.predictedBy}${gold}`);
  if (p.outsideCandidates !== undefined) ctx.print(`  the network predicts ${JSON.stringify(p.outsideCandidates.name)} (class ${p.outsideCandidates.classId}), which is outside the model's candidate classes (fit --classes): explaining the surrogate's best candidate instead`);
  if (p.context !== undefined) ctx.print(`  token "${p.text}" of "${snippet(p.context, 90)}"`);
  else if (p.text !== '') ctx.print(`  "${snippet(p.text, 100)}"`);
  const list = (title: string, rows: ExplainedPrediction['proponents']): void => {
    ctx.print(`  ${title}:`);
    if (rows.length === 0) ctx.print('    (none: no support vector has a score of this sign)');
    for (const r of rows.slice(0, topK)) ctx.print(`    ${formatScore(r.score)}  [${r.labelName}] ${r.id}  "${snippet(r.text, 70)}"`);
  };
  list('top proponents (training examples that support it)', p.proponents);
  list('top opponents (training examples that speak against it)', p.opponents);
}

/** Explanation rows as flat export records. */
export function toRecords(predictions: readonly ExplainedPrediction[], modelHash: string, datasetRevision: string): ExplanationRecord[] {
  const out: ExplanationRecord[] = [];
  for (const p of predictions) {
    for (const a of [...p.proponents, ...p.opponents]) out.push({ test_id: p.id, train_id: a.id, class: p.predictedName, score: a.score, model_hash: modelHash, dataset_revision: datasetRevision });
  }
  return out;
}

/** Writes .jsonl or .parquet by extension (atomic, via core). */
export async function writeRecords(path: string, records: readonly ExplanationRecord[]): Promise<void> {
  if (path.toLowerCase().endsWith('.parquet')) await writeExplanationsParquet(path, records);
  else await writeExplanationsJsonl(path, records);
}

async function testInputs(options: ExplainCliOptions, store: string, classNames: readonly string[], tokenHead: boolean, ctx: RunContext): Promise<TestInputs> {
  // Texts are cut like the store's were (`cache --max-length`), so their features are comparable.
  const maxLength = (await readRunRecord(store))?.maxLength;
  if (options.text !== undefined) {
    const modelDir = await modelDirFor(store, options.model, ctx, 'embed --text');
    const ids = options.text.map((_, i) => `text-${i}`);
    // A token-head store explains tokens: one test row per token, like its training rows.
    if (tokenHead) return tokenInputsFromTexts(modelDir, options.text, ids, undefined, ctx, undefined, maxLength);
    return testInputsFromTexts(modelDir, options.text, ids, undefined, ctx, undefined, maxLength);
  }
  const test = resolveStoreInput(ctx.cwd, options.test!);
  // A URL is a test store read over HTTP (corpora are read from disk only).
  if (isHttpUrl(test)) return testInputsFromStore(test, ctx, options.limit);
  // A directory with zarr.json is a test store; any other directory or file is a JSONL corpus.
  if (await isFile(join(test, 'zarr.json'))) return testInputsFromStore(test, ctx, options.limit);
  // A store that lost (or never got) its manifest is still a store, not a corpus folder.
  if (await isFile(join(test, 'dualxda-build.json'))) return testInputsFromStore(await checkStoreDir(test, 'test store'), ctx, options.limit);
  await checkInputFile(test, '--test', 'give a test store (from `dualxda cache`) or a .jsonl corpus file');
  const rows = await loadCorpus(await corpusFiles(test), options.limit);
  if (rows.length === 0) throw new InputError(test, '--test corpus has no rows (empty, or only blank lines)', 'give a .jsonl file with one {"id", "text", "label"} object per line');
  if (tokenHead) {
    const modelDir = await modelDirFor(store, options.model, ctx, 'embed the --test texts');
    return tokenInputsFromTexts(modelDir, rows.map((r) => r.text), rows.map((r) => String(r.id)), { labels: rows.map((r) => r.label), classNames, source: test }, ctx, undefined, maxLength);
  }
  // Checked before the model loads: an unknown gold label is an error, never a silent -1.
  const labels = goldLabels(rows, classNames, test);
  const modelDir = await modelDirFor(store, options.model, ctx, 'embed the --test texts');
  return testInputsFromTexts(modelDir, rows.map((r) => r.text), rows.map((r) => String(r.id)), labels, ctx, undefined, maxLength);
}

/** `dualxda explain STORE --text ... | --test ...`. */
export async function explainCommandRunner(options: ExplainCliOptions, ctx: RunContext): Promise<void> {
  // STORE may be an http(s) URL: read-only, nothing is written beside it (only --out, locally).
  const store = await checkStoreDir(resolveStoreInput(ctx.cwd, options.store));
  const model = await loadDualDAModel(store);
  const train = await openFeatureStore(store);
  const test = await testInputs(options, store, model.classNames, train.manifest.head === 'token', ctx);
  checkCompatible(model, test.dim, test.provenance, options.allowMismatch === true, (l) => ctx.warn(l));
  const topK = options.topK ?? DEFAULT_CLI_TOP_K;
  const predictions = await explainTests(model, test, train, topK);
  if (options.out !== undefined) {
    const out = resolvePath(ctx.cwd, options.out);
    await writeRecords(out, toRecords(predictions, model.modelHash, model.datasetRevision));
    ctx.log(`wrote ${predictions.length} explanations to ${out}`);
  }
  ctx.emitJson(predictions);
  for (const p of predictions) {
    printPrediction(p, ctx, topK);
    ctx.print();
  }
}
