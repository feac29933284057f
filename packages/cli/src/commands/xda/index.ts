import { loadDualDAModel, openFeatureStore, type ZarrFeatureStore } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../lib/atomic-write.js';
import { renderAnsi, renderHtmlPage, topTokens, type HtmlPair } from '../../lib/heatmap.js';
import { budgetLines, explainedLabel } from '../../lib/xda-budget.js';
import { checkStoreDir, resolvePath } from '../../lib/inputs.js';
import { readRunRecord } from '../../lib/run-file.js';
import { formatScore, snippet } from '../../lib/text.js';
import { checkCompatible } from '../../steps/compatibility.js';
import { explainTests, type ExplainedPrediction, type ExplainedTrainRow } from '../../steps/explain-tests.js';
import { alphaOf, NOT_SUPPORT_VECTOR_NOTE } from '../../steps/pair-alpha.js';
import { testInputsFromStore, testInputsFromTexts, type TestInputs } from '../../steps/test-inputs.js';
import { openXdaEngine, XDA_MAX_TOKENS, type XdaPairResult } from '../../steps/xda-engine.js';
import { isTokenStore, tokenRowInput } from '../../steps/token-rows.js';
import { modelDirFor } from '../explain/index.js';
import type { XdaCliOptions } from './spec.js';

/** One explained pair, for printing and JSON. */
export interface XdaPairReport {
  kind: 'proponent' | 'opponent' | 'chosen';
  test: { id: string; text: string; predicted: string };
  train: ExplainedTrainRow;
  pair: XdaPairResult;
}

/** Row index of `id` in a store (ids are scanned chunk by chunk). */
export async function findRowById(store: ZarrFeatureStore, id: string, flag: string): Promise<number> {
  for (let start = 0; start < store.rows; start += store.chunkRows) {
    const ids = await store.readIds(start, Math.min(store.rows, start + store.chunkRows));
    const j = ids.indexOf(id);
    if (j >= 0) return start + j;
  }
  throw new InputError(store.path, `${flag} ${id}: no row with this id`, `ids look like '${(await store.readIds(0, Math.min(3, store.rows))).join("', '")}'; see \`dualxda explain\` output for ids`);
}

function selectRow(t: TestInputs, row: number): TestInputs {
  const d = t.dim;
  const k = t.classes;
  return { rows: 1, dim: d, features: t.features.slice(row * d, (row + 1) * d), ids: [t.ids[row]!], texts: [t.texts[row]!], labels: t.labels.slice(row, row + 1), logits: t.logits === null ? null : t.logits.slice(row * k, (row + 1) * k), classes: k, provenance: t.provenance };
}

/**
 * Prints one pair with coloured (TTY) or listed (pipe) heatmaps and the budget next to them
 * (what the maps split, each side's token sum and share, absorbed, residual, warnings); shared
 * with `demo`.
 */
export function printPair(r: XdaPairReport, ctx: RunContext): void {
  ctx.print(`XDA ${r.kind} ${r.train.id} [${r.train.labelName}] for test ${r.test.id} (predicted ${r.test.predicted}): attribution ${formatScore(r.pair.attribution)} = alpha ${formatScore(r.pair.alpha)} x kernel ${formatScore(r.pair.kernel)}`);
  const color = ctx.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
  for (const [side, h] of [['test ', r.pair.test], ['train', r.pair.train]] as const) {
    if (color) ctx.print(`  ${side}: ${renderAnsi(h)}`);
    else ctx.print(`  ${side} top tokens: ${topTokens(h).map((t) => `${t.token}(${formatScore(t.score)})`).join(' ')}`);
  }
  for (const line of budgetLines(r.pair)) ctx.print(`  ${line}`);
}

/** A pair for `--json`: typed arrays as plain arrays, everything else (budget, notes) as is. */
export function pairJson(r: XdaPairReport): unknown {
  const side = (h: XdaPairReport['pair']['test']) => ({ tokens: h.tokens, scores: Array.from(h.scores) });
  return { ...r, pair: { ...r.pair, test: side(r.pair.test), train: side(r.pair.train) } };
}

/** Writes the HTML page atomically. */
export async function writeHtml(path: string, title: string, reports: readonly XdaPairReport[]): Promise<void> {
  const pairs: HtmlPair[] = reports.map((r) => ({
    title: `${r.kind} ${r.train.id} [${r.train.labelName}] for test ${r.test.id}`,
    subtitle: `predicted ${r.test.predicted}; attribution ${formatScore(r.pair.attribution)} = alpha ${formatScore(r.pair.alpha)} x kernel ${formatScore(r.pair.kernel)}; heatmaps split the ${explainedLabel(r.pair)}; test: "${snippet(r.test.text, 120)}"`,
    test: r.pair.test,
    train: r.pair.train,
    budget: budgetLines(r.pair),
  }));
  await writeFileAtomic(path, renderHtmlPage(title, pairs));
}

/** Pairs for one explained prediction: the chosen train row, or the top-k proponents and opponents. */
export function choosePairs(p: ExplainedPrediction, topK: number, chosen?: ExplainedTrainRow): { kind: XdaPairReport['kind']; row: ExplainedTrainRow }[] {
  if (chosen !== undefined) return [{ kind: 'chosen', row: chosen }];
  return [...p.proponents.slice(0, topK).map((row) => ({ kind: 'proponent' as const, row })), ...p.opponents.slice(0, topK).map((row) => ({ kind: 'opponent' as const, row }))];
}

/** `dualxda xda STORE --test ID | --text ... [--train ID]`. */
export async function xda(options: XdaCliOptions, ctx: RunContext): Promise<void> {
  const storePath = await checkStoreDir(resolvePath(ctx.cwd, options.store));
  const model = await loadDualDAModel(storePath);
  const train = await openFeatureStore(storePath);
  const modelDir = await modelDirFor(storePath, options.model, ctx, 'compute XDA heatmaps');
  const tokenStore = isTokenStore(train);
  // XDA cuts texts like the store's were (`cache --max-length`): else its kernel is not the stored one.
  const maxTokens = (await readRunRecord(storePath))?.maxLength ?? XDA_MAX_TOKENS;
  let test: TestInputs;
  let testStore: ZarrFeatureStore | undefined;
  let testRow = 0;
  if (options.text !== undefined && tokenStore) {
    throw new UsageError(`${storePath} is a token-head store: XDA explains a pair of token rows, and --text gives a whole text`, 'cache the test texts with `dualxda cache --head token` and pass --test TEXTID#POSITION (`dualxda explain STORE --text ...` explains every token of a typed text)');
  } else if (options.text !== undefined) {
    test = await testInputsFromTexts(modelDir, [options.text], ['text-0'], undefined, ctx, undefined, maxTokens);
  } else {
    const run = await readRunRecord(storePath);
    const testPath = options.testStore !== undefined ? resolvePath(ctx.cwd, options.testStore) : run?.testStore;
    if (testPath === undefined) throw new UsageError(`--test ${options.test}: which test store? ${storePath}/dualxda-run.json names none`, 'pass --test-store DIR (a store from `dualxda cache` of the test split)');
    const all = await testInputsFromStore(testPath, ctx);
    testStore = await openFeatureStore(testPath);
    testRow = await findRowById(testStore, options.test!, '--test');
    test = selectRow(all, testRow);
  }
  checkCompatible(model, test.dim, test.provenance, options.allowMismatch === true, (l) => ctx.warn(l));
  const engine = await openXdaEngine(modelDir, maxTokens);
  try {
    // The heatmaps re-run this checkpoint on both texts: it must be the one that built STORE.
    const c = engine.checkpoint;
    checkCompatible(model, c.dim, { source: c.dir, modelHash: c.modelHash, classNames: c.classNames }, options.allowMismatch === true, (l) => ctx.warn(l));
    const topK = options.topK ?? 1;
    const [prediction] = await explainTests(model, test, train, Math.max(topK, 1));
    let chosen: ExplainedTrainRow | undefined;
    if (options.train !== undefined) {
      const index = await findRowById(train, options.train, '--train');
      const labels = await train.readLabels();
      const [text] = train.hasTexts ? await train.gatherTexts([index]) : [''];
      // α = 0 (not a support vector): attribution 0; the heatmaps are kernel-only and say so
      // (`heatmapAlpha`, the same rule as /api/xda).
      if (alphaOf(model, index, prediction!.predicted) === 0) ctx.warn(`training row ${options.train} is ${NOT_SUPPORT_VECTOR_NOTE} (class ${prediction!.predictedName})`);
      chosen = { index, id: options.train, score: Number.NaN, label: labels[index]!, labelName: (model.classIds === undefined ? model.classNames[labels[index]!] : train.manifest.classNames[labels[index]!]) ?? String(labels[index]), text: text ?? '' };
    }
    const picks = choosePairs(prediction!, topK, chosen);
    if (picks.length === 0) throw new InputError(storePath, `test ${prediction!.id} has no non-zero attributions`, 'pick a training row with --train ID, or refit with a larger --C');
    const missing = picks.filter((p) => p.row.text === '');
    if (missing.length > 0) throw new InputError(storePath, 'the training store has no texts, XDA needs them', 'rebuild the store with `dualxda cache` (imported .npy stores carry no texts)');
    const bar = ctx.progress({ label: 'xda', total: picks.length, unit: 'pairs' });
    const alphas = picks.map((p) => alphaOf(model, p.row.index, prediction!.predicted));
    // Token rows: the pair's kernel is between the two rows' final hidden states at their positions.
    const pairs = tokenStore
      ? engine.explainTokens(await tokenRowInput(testStore!, testRow, maxTokens), await Promise.all(picks.map((p) => tokenRowInput(train, p.row.index, maxTokens))), alphas, { mode: options.mode })
      : engine.explain(prediction!.text, picks.map((p) => p.row.text), alphas, { mode: options.mode });
    bar.done(`${pairs.length} pairs`);
    const reports: XdaPairReport[] = picks.map((p, i) => ({ kind: p.kind, test: { id: prediction!.id, text: prediction!.text, predicted: prediction!.predictedName }, train: p.row, pair: pairs[i]! }));
    ctx.emitJson(reports.map(pairJson));
    for (const r of reports) printPair(r, ctx);
    if (options.html !== undefined) {
      const html = resolvePath(ctx.cwd, options.html);
      await writeHtml(html, `XDA for test ${prediction!.id}`, reports);
      ctx.log(`wrote ${html}`);
    }
  } finally {
    engine.release();
  }
}
