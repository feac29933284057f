import { explain, identicalClass, identicalSubclass, scatterToTraining, type DualDAModel } from '@dualxda/core';
import { InputError } from '../errors.js';
import { storeClasses } from '../lib/candidate-classes.js';
import { groupOfId } from './corpus-flags.js';
import { candidateTargets } from './explain-tests.js';
import { networkTargets, selectTestRows } from './sample-rows.js';
import type { TestInputs } from './test-inputs.js';

/** Test rows explained per dense block (rows x n doubles each). */
const DENSE_BLOCK_ROWS = 128;

/** Dense explanations (all n training rows) block by block, with each block's explained classes. */
export function forEachDenseBlock(model: DualDAModel, test: TestInputs, n: number, visit: (scores: Float64Array, targets: Int32Array, rows: number[]) => void): void {
  // A candidate-set model: the network's prediction when it is in the set, else the surrogate's (as `explain`).
  const all = model.classIds === undefined ? networkTargets(test, model.classNames.length) : candidateTargets(model, model.classIds, test)?.targets;
  for (let t0 = 0; t0 < test.rows; t0 += DENSE_BLOCK_ROWS) {
    const rows = Array.from({ length: Math.min(DENSE_BLOCK_ROWS, test.rows - t0) }, (_, j) => t0 + j);
    const block = selectTestRows(test, rows);
    const targets = all?.slice(t0, t0 + rows.length);
    const r = explain(model, { data: block.features, shape: [block.rows, block.dim] }, { topK: 0, mode: 'dense', ...(targets === undefined ? {} : { targets }) });
    visit(scatterToTraining(r.dense!, model.svIndices, block.rows, n), r.targets, rows);
  }
}

/** Identical class and subclass (dualda.md §3.1–3.2) over the test rows. */
export interface AgreementFigures {
  testRows: number;
  k: number;
  /** Mean share of the top-k training rows that agree. */
  score: number;
  /** The same with k = 1 (upstream quanda's variant). */
  top1: number;
  /**
   * What random picks score. identical-class: random training rows (the predicted class's share of
   * the training set). identical-subclass: random rows OF THE PREDICTED CLASS (the own group's
   * share within it), i.e. what an explanation of the class rather than of the input scores.
   */
  chance: number;
  /** identical-subclass only: score per test group. */
  perGroup?: Record<string, { rows: number; score: number }>;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return v.length === 0 ? Number.NaN : s / v.length;
}

/**
 * Identical class: share of each test row's top-k training rows whose label is the explained class.
 * Identical subclass: share whose corpus group (id prefix) is the test row's own group.
 */
export function agreementFigures(kind: 'class' | 'subclass', model: DualDAModel, test: TestInputs, trainIds: readonly string[], trainLabels: Int32Array, k: number): AgreementFigures {
  const n = trainLabels.length;
  if (kind === 'subclass' && !trainIds.some((id) => id.includes('/'))) {
    throw new InputError('STORE', 'identical-subclass needs corpus groups, but no training id has the form GROUP/NAME', 'ids such as spam-2/01070 put a row in group spam-2; cache a corpus whose ids carry their group');
  }
  const groups = new Map<string, number>();
  const code = (id: string): number => {
    const g = groupOfId(id);
    if (!groups.has(g)) groups.set(g, groups.size);
    return groups.get(g)!;
  };
  const trainGroups = Int32Array.from(trainIds, code);
  const classSize = new Map<number, number>();
  const groupInClass = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    classSize.set(trainLabels[i]!, (classSize.get(trainLabels[i]!) ?? 0) + 1);
    groupInClass.set(`${trainLabels[i]}:${trainGroups[i]}`, (groupInClass.get(`${trainLabels[i]}:${trainGroups[i]}`) ?? 0) + 1);
  }
  const perRow = new Float64Array(test.rows);
  const perRowTop1 = new Float64Array(test.rows);
  const chance = new Float64Array(test.rows);
  const testGroups = Int32Array.from(test.ids, code);
  const kk = Math.min(k, n);
  // Training labels are store classes; a candidate-set model's targets are candidate indices.
  const toStore = storeClasses(model);
  forEachDenseBlock(model, test, n, (scores, modelTargets, rows) => {
    const targets = Int32Array.from(modelTargets, (k) => toStore[k]!);
    const E = { data: scores, shape: [rows.length, n] };
    const want = kind === 'class' ? targets : Int32Array.from(rows, (t) => testGroups[t]!);
    const have = kind === 'class' ? trainLabels : trainGroups;
    const fn = kind === 'class' ? identicalClass : identicalSubclass;
    const a = fn(E, have, want, { k: kk }).perRow;
    const a1 = fn(E, have, want, { k: 1 }).perRow;
    rows.forEach((t, j) => {
      perRow[t] = a[j]!;
      perRowTop1[t] = a1[j]!;
      const size = classSize.get(targets[j]!) ?? 0;
      if (kind === 'class') chance[t] = size / n;
      else chance[t] = size === 0 ? 0 : (groupInClass.get(`${targets[j]}:${testGroups[t]}`) ?? 0) / size;
    });
  });
  const out: AgreementFigures = { testRows: test.rows, k: kk, score: mean(perRow), top1: mean(perRowTop1), chance: mean(chance) };
  if (kind === 'subclass') {
    const names = [...groups.keys()];
    const per: Record<string, { rows: number; score: number }> = {};
    for (let t = 0; t < test.rows; t++) {
      const g = names[testGroups[t]!]!;
      const e = (per[g] ??= { rows: 0, score: 0 });
      e.rows++;
      e.score += perRow[t]!;
    }
    for (const e of Object.values(per)) e.score /= e.rows;
    out.perGroup = per;
  }
  return out;
}
