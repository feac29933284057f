import { DEFAULT_DELETION_CURVE_OPTIONS } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError } from '../../errors.js';
import { recordFaithfulness } from '../../lib/run-file.js';
import { formatPercent, formatScore, snippet } from '../../lib/text.js';
import { flagsForIds, readCorpusFlags } from '../../steps/corpus-flags.js';
import { agreementFigures } from '../../steps/downstream-metrics.js';
import { accuracyFigures, faithfulnessFigures, sparsityFigures, topSelfInfluence } from '../../steps/metrics.js';
import { mislabelingFigures, shortcutFigures } from '../../steps/planted-metrics.js';
import { sampleRows, selectTestRows } from '../../steps/sample-rows.js';
import { xdaDeletionFigures } from '../../steps/xda-deletion.js';
import { resolveEvalInputs, shortcutClassOf, type EvalInputs } from './inputs.js';
import { printAgreement, printMislabeling, printShortcut, printXdaDeletion } from './print.js';
import type { EvalMetric, EvalOptions } from './spec.js';

/** Test rows used for sparsity/accuracy (dense explanations are rows x n doubles). */
const EVAL_TEST_ROWS = 500;

/** Documented defaults of `dualxda eval` that are not a library's (see `--help`). */
export const DEFAULT_EVAL_OPTIONS = { selfInfluenceRows: 10, agreementK: 5 } as const;

/** Every id of a store, in row order. */
async function allIds(inputs: EvalInputs): Promise<string[]> {
  return inputs.train.readIds(0, inputs.train.rows);
}

type Runner = (o: EvalOptions, inputs: EvalInputs, ctx: RunContext) => Promise<unknown>;

const RUNNERS: Record<EvalMetric, Runner> = {
  async sparsity(_o, { model, train, test }, ctx) {
    const s = sparsityFigures(model, await test('sparsity', EVAL_TEST_ROWS), train.rows);
    ctx.print(`sparsity over ${s.testRows} test rows: l0 ${formatPercent(s.l0)} of training rows get no attribution, Hoyer ${s.hoyer.toFixed(3)}; support vectors ${formatPercent(s.supportVectorShare)} of training rows`);
    return s;
  },
  async faithfulness(_o, { model, train, modelDir }, ctx) {
    const f = await faithfulnessFigures(model, train, await modelDir('read the network head for faithfulness'), ctx);
    await recordFaithfulness(train.path, f, 'dualxda eval');
    ctx.print(`faithfulness (training rows, SVM vs network): logit cosine ${f.logitCosine.toFixed(3)}, weight cosine ${f.weightCosine.toFixed(3)}, MCC ${f.mcc.toFixed(3)}, Kendall tau ${f.kendallTau.toFixed(3)}`);
    return f;
  },
  async accuracy(_o, { model, test }, ctx) {
    const a = accuracyFigures(model, await test('accuracy', EVAL_TEST_ROWS));
    ctx.print(`accuracy over ${a.testRows} test rows: surrogate ${formatPercent(a.surrogateAccuracy)}${a.modelAccuracy === null ? '' : `, network ${formatPercent(a.modelAccuracy)}`}${a.agreement === null ? '' : `, agreement ${formatPercent(a.agreement)}`}`);
    const cs = a.candidateSet;
    if (cs !== undefined && cs.outsideGold > 0) ctx.print(`  ${cs.outsideGold} test rows have a gold label outside the ${cs.classes} candidate classes (counted as wrong: the surrogate cannot predict it); surrogate ${formatPercent(cs.surrogateAccuracyInside)} on the others`);
    return a;
  },
  async 'self-influence'(o, { model, train }, ctx) {
    const rows = await topSelfInfluence(model, train, o.topK ?? DEFAULT_EVAL_OPTIONS.selfInfluenceRows);
    ctx.print('highest self-influence (candidates for mislabelled training rows):');
    for (const r of rows) ctx.print(`  ${formatScore(r.score)}  [${r.label}] ${r.id}  "${snippet(r.text, 70)}"`);
    return rows;
  },
  async 'xda-deletion'(o, { model, train, test, modelDir }, ctx) {
    const r = await xdaDeletionFigures(model, await test('xda-deletion'), train, await modelDir('compute XDA heatmaps'), {
      rows: o.rows, pairs: o.pairs, opponents: o.opponents, deletion: o.deletion, mode: o.xdaMode, backend: o.xdaBackend, ks: o.ks, draws: o.draws, seed: o.seed,
    }, ctx);
    printXdaDeletion(r, ctx);
    return r;
  },
  async 'identical-class'(o, inputs, ctx) {
    return agreement('class', o, inputs, ctx);
  },
  async 'identical-subclass'(o, inputs, ctx) {
    return agreement('subclass', o, inputs, ctx);
  },
  async mislabeling(o, inputs, ctx) {
    const file = await inputs.dataFile('train.jsonl', 'mislabeling', 'the flipped-label flags ("corrupted": true|false)');
    const flags = await readCorpusFlags(file, 'corrupted', 'mislabeling needs a training corpus whose flipped rows are marked "corrupted": true');
    const corrupted = flagsForIds(await allIds(inputs), flags, file);
    if (!corrupted.includes(1)) throw new InputError(file, 'no training row is marked "corrupted": true', 'mislabeling needs a corpus with flipped labels (e.g. tools/assets/spam-bert-noisy/corpus)');
    const m = mislabelingFigures(inputs.model, await inputs.train.readLabels(), corrupted);
    printMislabeling(m, ctx);
    return m;
  },
  async shortcut(o, inputs, ctx) {
    const trainFile = await inputs.dataFile('train.jsonl', 'shortcut', 'the planted-row flags ("shortcut": true|false)');
    const testFile = await inputs.dataFile('test.jsonl', 'shortcut', 'the planted test rows ("shortcut": true|false)');
    const hint = 'shortcut needs corpora whose planted rows are marked "shortcut": true (e.g. tools/assets/spam-bert-shortcut/corpus)';
    const marked = flagsForIds(await allIds(inputs), await readCorpusFlags(trainFile, 'shortcut', hint), trainFile);
    if (!marked.includes(1)) throw new InputError(trainFile, 'no training row is marked "shortcut": true', hint);
    const modelDir = await inputs.modelDir('find poison.json').catch(() => undefined);
    const cls = await shortcutClassOf(o, ctx, inputs.model.classNames, modelDir);
    const test = await sampled(o, inputs, 'shortcut');
    const testMarked = flagsForIds(test.ids, await readCorpusFlags(testFile, 'shortcut', hint), testFile);
    const s = shortcutFigures(inputs.model, test, marked, testMarked, cls);
    printShortcut(s, ctx);
    return s;
  },
};

/** All test rows, or a seeded sample of --rows of them. */
async function sampled(o: EvalOptions, inputs: EvalInputs, metric: string) {
  const all = await inputs.test(metric);
  return o.rows === undefined ? all : selectTestRows(all, sampleRows(all.rows, o.rows, o.seed ?? DEFAULT_DELETION_CURVE_OPTIONS.seed));
}

async function agreement(kind: 'class' | 'subclass', o: EvalOptions, inputs: EvalInputs, ctx: RunContext) {
  const a = agreementFigures(kind, inputs.model, await sampled(o, inputs, `identical-${kind}`), await allIds(inputs), await inputs.train.readLabels(), o.topK ?? DEFAULT_EVAL_OPTIONS.agreementK);
  printAgreement(kind, a, ctx);
  return a;
}

/** `dualxda eval [STORE] --metric ...`. */
export async function evaluate(options: EvalOptions, ctx: RunContext): Promise<void> {
  const inputs = await resolveEvalInputs(options, ctx);
  const results: Record<string, unknown> = {};
  for (const metric of new Set(options.metric)) results[metric] = await RUNNERS[metric](options, inputs, ctx);
  ctx.emitJson(results);
}
