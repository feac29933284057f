import { DEFAULT_DELETION_CURVE_OPTIONS, deletionCurves, type DeletionCase, type DeletionCurveOptions, type DeletionCurveResult, type DualDAModel, type ZarrFeatureStore } from '@dualxda/core';
import { encodeTexts, loadCheckpoint } from '@dualxda/llm-adapter';
import { DEFAULT_EXPLAIN_PAIR_OPTIONS, createXdaModel, explainTopK, extractFeatures, tokenShare, useXdaBackend, type ModelInput, type RelevanceMode, type TokenRelevance, type XdaModel } from '@dualxda/xda';
import type { DeletionKind, XdaComputeBackend } from '../commands/eval/spec.js';
import type { RunContext } from '../context.js';
import { InputError, InterruptedError } from '../errors.js';
import { checkModelDir } from '../lib/inputs.js';
import { explainTests } from './explain-tests.js';
import { alphaOf } from './pair-alpha.js';
import { sampleRows, selectTestRows } from './sample-rows.js';
import type { TestInputs } from './test-inputs.js';
import { muteTfjsBanner, XDA_MAX_TOKENS } from './xda-engine.js';

/** Options of `xdaDeletionFigures` (the curve options default as in core's DEFAULT_DELETION_CURVE_OPTIONS). */
export interface XdaDeletionOptions {
  rows?: number;
  pairs?: number;
  opponents?: boolean;
  deletion?: DeletionKind;
  mode?: RelevanceMode;
  backend?: XdaComputeBackend;
  ks?: readonly number[];
  draws?: number;
  seed?: number;
}

/** Documented defaults of `dualxda eval --metric xda-deletion` (the rest: DEFAULT_DELETION_CURVE_OPTIONS). */
export const DEFAULT_XDA_DELETION_OPTIONS = { rows: 20, pairs: 1, opponents: false, deletion: 'remove', backend: 'wasm' } as const;

/** One explained (test, train) pair. */
export interface DeletionPairReport {
  test: string;
  train: string;
  kind: 'proponent' | 'opponent';
  /** α·⟨f_test, f_train⟩ recomputed by the XDA forward (tfjs). */
  attribution: number;
  /** DualDA's score of the pair (features from the store). */
  score: number;
  tokens: { test: number; train: number };
  /** tokenSum / attribution per side (signed). */
  tokenShare: { test: number | null; train: number | null };
}

/** Curves of one side without the per-pair detail (which `pairs` carries). */
export type SideCurves = Omit<DeletionCurveResult, 'perCase'>;

export interface XdaDeletionFigures {
  testRows: number;
  pairs: number;
  mode: RelevanceMode;
  deletion: DeletionKind;
  /** tfjs backend that computed the heatmaps and rescored. */
  backend: string;
  ks: number[];
  randomDraws: number;
  seed: number;
  /** Deleting test tokens, train input fixed. */
  test: SideCurves;
  /** Deleting train tokens, test input fixed. */
  train: SideCurves;
  /** Median |tokenSum| / |attribution| per side (how much of the score the heatmap's tokens carry). */
  medianTokenShare: { test: number; train: number };
  pairDetails: (DeletionPairReport & { drop: { test: { relevance: number[]; random: number[] } | null; train: { relevance: number[]; random: number[] } | null } })[];
}

function medianAbs(values: (number | null)[]): number {
  const v = values.filter((x): x is number => x !== null).map(Math.abs).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

/** The network for rescoring, with its tokenizer's view of what may be deleted. */
interface DeletionModel {
  xm: XdaModel;
  backend: string;
  input(text: string): ModelInput;
  /** Positions that are not special tokens ([CLS], [SEP], [PAD], ...). */
  candidates(x: ModelInput): number[];
  without(x: ModelInput, drop: readonly number[]): ModelInput;
}

async function openDeletionModel(modelDir: string, backendName: XdaComputeBackend, deletion: DeletionKind): Promise<DeletionModel> {
  const ckpt = await loadCheckpoint(await checkModelDir(modelDir));
  const special = new Set(ckpt.tokenizer.all_special_ids);
  const padId = ckpt.tokenizer.pad_token_id;
  if (deletion === 'pad' && (padId === null || padId === undefined)) throw new InputError(modelDir, 'the tokenizer has no [PAD] token, so --deletion pad cannot work', 'use --deletion remove');
  muteTfjsBanner();
  const backend = await useXdaBackend(backendName);
  const xm = createXdaModel(ckpt.weights, ckpt.config);
  const maxLength = Math.min(XDA_MAX_TOKENS, ckpt.maxPositions, xm.maxPositions);
  return {
    xm,
    backend,
    input: (text) => ({ ids: encodeTexts(ckpt.tokenizer, [text], maxLength).ids[0]! }),
    candidates: (x) => x.ids.flatMap((id, q) => (special.has(id) ? [] : [q])),
    without(x, drop) {
      const gone = new Set(drop);
      return { ids: deletion === 'pad' ? x.ids.map((id, q) => (gone.has(q) ? padId! : id)) : x.ids.filter((_, q) => !gone.has(q)) };
    },
  };
}

/** One side's deletion cases and how to rescore each. */
interface SideCases {
  cases: DeletionCase[];
  rescore: ((sets: readonly (readonly number[])[]) => number[])[];
}

function runSide(side: SideCases, name: string, options: DeletionCurveOptions, ctx: RunContext): DeletionCurveResult {
  const bar = ctx.progress({ label: `xda-deletion: ${name} side`, total: side.cases.length, unit: 'pairs' });
  const r = deletionCurves(side.cases, (j, sets) => {
    if (ctx.signal.aborted) throw new InterruptedError('nothing was written; rerun the command');
    const scores = side.rescore[j]!(sets);
    bar.tick();
    return scores;
  }, options);
  bar.done(`${r.cases} pairs`);
  return r;
}

/**
 * Deletion check of XDA heatmaps on sampled test rows and their top proponent(s): delete the
 * top-k tokens of a side by relevance vs k random tokens (special tokens never), rescore
 * α·⟨f(test'), f(train)⟩ with the network, and compare the drop curves (core `deletionCurves`).
 */
export async function xdaDeletionFigures(model: DualDAModel, test: TestInputs, train: ZarrFeatureStore, modelDir: string, options: XdaDeletionOptions, ctx: RunContext): Promise<XdaDeletionFigures> {
  const o = { ...DEFAULT_XDA_DELETION_OPTIONS, ...DEFAULT_DELETION_CURVE_OPTIONS, draws: DEFAULT_DELETION_CURVE_OPTIONS.randomDraws, mode: DEFAULT_EXPLAIN_PAIR_OPTIONS.mode, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<XdaDeletionOptions>;
  if (!train.hasTexts) throw new InputError(train.path, 'the training store has no texts, XDA needs them', 'rebuild the store with `dualxda cache` (imported .npy stores carry no texts)');
  const sample = selectTestRows(test, sampleRows(test.rows, o.rows, o.seed));
  const predictions = await explainTests(model, sample, train, o.pairs);
  const dm = await openDeletionModel(modelDir, o.backend, o.deletion);
  const sides: Record<'test' | 'train', SideCases> = { test: { cases: [], rescore: [] }, train: { cases: [], rescore: [] } };
  const add = (side: 'test' | 'train', score: number, rel: TokenRelevance | undefined, x: ModelInput, rescore: (f: Float32Array) => number): number => {
    sides[side].cases.push({ score, relevance: rel?.relevance ?? new Float64Array(x.ids.length), candidates: dm.candidates(x) });
    sides[side].rescore.push((sets) => extractFeatures(dm.xm, sets.map((drop) => dm.without(x, drop))).map(rescore));
    return sides[side].cases.length - 1;
  };
  const reports: DeletionPairReport[] = [];
  const caseOf: { test: number; train: number }[] = [];
  const bar = ctx.progress({ label: 'xda-deletion: heatmaps', total: predictions.length, unit: 'tests' });
  try {
    for (const p of predictions) {
      if (ctx.signal.aborted) throw new InterruptedError('nothing was written; rerun the command');
      const picks = [...p.proponents.slice(0, o.pairs).map((row) => ({ kind: 'proponent' as const, row })), ...(o.opponents ? p.opponents.slice(0, o.pairs).map((row) => ({ kind: 'opponent' as const, row })) : [])];
      if (picks.length === 0) continue;
      const testIn = dm.input(p.text);
      const trainIns = picks.map((k) => dm.input(k.row.text));
      const alphas = picks.map((k) => alphaOf(model, k.row.index, p.predicted));
      const [fTest, ...fTrain] = extractFeatures(dm.xm, [testIn, ...trainIns]) as [Float32Array, ...Float32Array[]];
      explainTopK(dm.xm, testIn, trainIns, { alphas, mode: o.mode }).forEach((pair, i) => {
        const [alpha, fTr, trainIn, pick] = [alphas[i]!, fTrain[i]!, trainIns[i]!, picks[i]!];
        caseOf.push({
          test: add('test', pair.attribution, pair.test, testIn, (f) => alpha * dot(f, fTr)),
          train: add('train', pair.attribution, pair.train, trainIn, (f) => alpha * dot(fTest, f)),
        });
        reports.push({
          test: p.id, train: pick.row.id, kind: pick.kind, attribution: pair.attribution, score: pick.row.score,
          tokens: { test: testIn.ids.length, train: trainIn.ids.length }, tokenShare: { test: tokenShare(pair.test), train: tokenShare(pair.train) },
        });
      });
      bar.tick();
    }
    bar.done(`${reports.length} pairs`);
    const curveOptions = { ks: o.ks, randomDraws: o.draws, seed: o.seed };
    const { perCase: testCases, ...testSide } = runSide(sides.test, 'test', curveOptions, ctx);
    const { perCase: trainCases, ...trainSide } = runSide(sides.train, 'train', curveOptions, ctx);
    const dropOf = (cases: typeof testCases, j: number) => {
      const c = cases.find((x) => x.index === j);
      return c === undefined ? null : { relevance: c.relevance, random: c.random };
    };
    return {
      testRows: sample.rows,
      pairs: reports.length,
      mode: o.mode,
      deletion: o.deletion,
      backend: dm.backend,
      ks: testSide.ks,
      randomDraws: o.draws,
      seed: o.seed,
      test: testSide,
      train: trainSide,
      medianTokenShare: { test: medianAbs(reports.map((r) => r.tokenShare.test)), train: medianAbs(reports.map((r) => r.tokenShare.train)) },
      pairDetails: reports.map((r, j) => ({ ...r, drop: { test: dropOf(testCases, caseOf[j]!.test), train: dropOf(trainCases, caseOf[j]!.train) } })),
    };
  } finally {
    dm.xm.dispose();
  }
}
