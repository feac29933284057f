import { openFeatureStore } from '@dualxda/core';
import type { FeatureModel } from '@dualxda/llm-adapter';
import type { RunContext } from '../context.js';
import { checkModelDir, checkStoreDir } from '../lib/inputs.js';
import { openFeatureModel } from '../lib/open-feature-model.js';
import type { Provenance } from './compatibility.js';
import { readStoreRows } from './read-store.js';

/** Test rows to explain: features plus what the summary shows. */
export interface TestInputs {
  rows: number;
  dim: number;
  features: Float32Array;
  ids: string[];
  texts: string[];
  /** Token rows (token-head store): the whole text each token row comes from (`texts` holds the token). */
  contexts?: string[];
  /** Gold labels when known (-1 = unknown). */
  labels: Int32Array;
  /** The network's logits (rows x classes) when known: its argmax is the explained class. */
  logits: Float32Array | null;
  classes: number;
  /** Where the rows came from (store or checkpoint), for the compatibility check. */
  provenance: Provenance;
}

/** Test rows from a store written by `dualxda cache` (features, texts, logits). */
export async function testInputsFromStore(path: string, ctx: RunContext, limit?: number): Promise<TestInputs> {
  const store = await openFeatureStore(await checkStoreDir(path, 'test store'));
  const rows = await readStoreRows(store, ctx, 'reading test store', limit);
  const texts = store.hasTexts ? await store.readTexts(0, rows.rows) : rows.ids.map(() => '');
  const logits = store.logitsDim > 0 ? await store.readLogits(0, rows.rows) : null;
  const provenance = { source: path, modelHash: store.manifest.modelHash, classNames: store.manifest.classNames };
  return { rows: rows.rows, dim: rows.dim, features: rows.features, ids: rows.ids, texts, labels: rows.labels, logits, classes: store.logitsDim, provenance };
}

/** Embeds free texts (or corpus rows) with the checkpoint; logits come from its head. */
export async function testInputsFromTexts(modelDir: string, texts: readonly string[], ids: readonly string[], labels: ArrayLike<number> | undefined, ctx: RunContext, model?: FeatureModel, maxLength?: number): Promise<TestInputs> {
  const fm = model ?? (await openFeatureModel(await checkModelDir(modelDir)));
  try {
    const bar = ctx.progress({ label: 'embedding test texts', total: texts.length, unit: 'texts' });
    // Cut like the store's texts (its run record's maxLength), so the features are comparable.
    const r = await fm.embed(texts, { head: 'sequence', ...(maxLength === undefined ? {} : { maxLength }) });
    bar.done(`${r.rows} texts`);
    const lab = new Int32Array(texts.length).fill(-1);
    if (labels !== undefined) lab.set(Array.from(labels));
    const provenance = { source: fm.checkpoint.dir, modelHash: fm.checkpoint.modelHash, classNames: fm.checkpoint.classNames };
    return { rows: r.rows, dim: r.dim, features: r.features, ids: [...ids], texts: [...texts], labels: lab, logits: r.logits, classes: r.numOutputs, provenance };
  } finally {
    if (model === undefined) await fm.release();
  }
}
