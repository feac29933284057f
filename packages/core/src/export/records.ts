/**
 * Flat, self-describing explanation rows for use outside dualxda (pandas, DuckDB, jq): one row per
 * (test row, attributed training row), each carrying stable ids, the model hash and the dataset
 * revision, so files from different runs can be concatenated without ambiguity.
 */
import { InvalidOptionError } from '../errors.js';
import type { ExplainResult } from '../attribution/explain.js';
import type { DualDAModel } from '../model/types.js';

export interface ExplanationRecord {
  test_id: string;
  train_id: string;
  /** Explained class name. */
  class: string;
  score: number;
  model_hash: string;
  dataset_revision: string;
}

export interface ExplanationRecordOptions {
  /** Stable id of each explained test row (one per result row). */
  testIds: readonly string[];
  /** 'top': proponents then opponents per row; 'dense': every non-zero score (needs mode 'dense'). @default 'top' */
  source?: 'top' | 'dense';
}

/**
 * @example
 * const records = explanationRecords(explain(model, test), model, { testIds: ['t0'] });
 */
export function explanationRecords(result: ExplainResult, model: DualDAModel, options: ExplanationRecordOptions): ExplanationRecord[] {
  const { testIds } = options;
  const source = options.source ?? 'top';
  if (testIds.length !== result.rows.length) throw new InvalidOptionError('testIds', `length ${testIds.length}, expected one per explained row (${result.rows.length})`);
  const base = { model_hash: model.modelHash, dataset_revision: model.datasetRevision };
  const out: ExplanationRecord[] = [];
  result.rows.forEach((row, t) => {
    const cls = model.classNames[row.target] ?? String(row.target);
    const test_id = testIds[t] as string;
    if (source === 'top') {
      for (const a of [...row.proponents, ...row.opponents]) out.push({ test_id, train_id: a.id, class: cls, score: a.score, ...base });
      return;
    }
    const dense = result.dense;
    if (dense === undefined) throw new InvalidOptionError('source', "'dense' needs an explain result computed with mode 'dense'");
    const nSV = model.svIds.length;
    for (let j = 0; j < nSV; j++) {
      const score = dense[t * nSV + j] as number;
      if (score !== 0) out.push({ test_id, train_id: model.svIds[j] as string, class: cls, score, ...base });
    }
  });
  return out;
}
