/**
 * Test rows for a token-head store (token classification): one row per token of each text, the
 * way `cache --head token` stores training rows, so `explain --text` explains every token instead
 * of one pooled answer for the whole text.
 */
import { alignTokenLabels, tokenRowId, type FeatureModel } from '@dualxda/llm-adapter';
import type { RunContext } from '../context.js';
import { InputError } from '../errors.js';
import { checkModelDir } from '../lib/inputs.js';
import { openFeatureModel } from '../lib/open-feature-model.js';
import type { TestInputs } from './test-inputs.js';

/** Gold labels of texts for token rows: per text one label, a per-word/per-token list, or none. */
export interface TokenGold {
  labels: readonly (number | string | (number | string)[])[];
  classNames: readonly string[];
  /** File named in errors. */
  source: string;
}

/**
 * Embeds texts with the token head: row ids `textId#position`, row texts the token strings,
 * `contexts` the whole text of each row, logits from the checkpoint's token head.
 *
 * @example
 * const t = await tokenInputsFromTexts(dir, ['free cash'], ['text-0'], undefined, ctx);
 * t.ids; // ['text-0#0', 'text-0#1', ...]
 */
export async function tokenInputsFromTexts(modelDir: string, texts: readonly string[], ids: readonly string[], gold: TokenGold | undefined, ctx: RunContext, model?: FeatureModel, maxLength?: number): Promise<TestInputs> {
  const fm = model ?? (await openFeatureModel(await checkModelDir(modelDir)));
  try {
    const bar = ctx.progress({ label: 'embedding test texts (token head)', total: texts.length, unit: 'texts' });
    // An LM head (causal or masked): the network's logits over the vocabulary are computed for these
    // few rows (a cache keeps none), so explain knows its prediction.
    const role = fm.checkpoint.tokenHead?.role;
    const lm = role === 'causal-lm' || role === 'masked-lm';
    const r = await fm.embed(texts, { head: 'token', lmLogits: lm, ...(maxLength === undefined ? {} : { maxLength }) });
    bar.done(`${texts.length} texts, ${r.rows} tokens`);
    const vocab: string[] = [];
    for (const [token, id] of fm.checkpoint.tokenizer.get_vocab()) vocab[id] = token;
    const offsets = r.tokenOffsets ?? new Int32Array(0);
    const tokenIds = r.tokenIds ?? new Int32Array(0);
    // LM rows are labelled by a token (the next one, or their own; a store class id); corpus labels are not used.
    const perText = lm ? [] : texts.map((text, i) => goldOf(fm, text, i, ids[i] as string, r.lengths[i] as number, gold));
    const rowIds: string[] = [];
    const rowTexts: string[] = [];
    const contexts: string[] = [];
    const labels = new Int32Array(r.rows).fill(-1);
    for (let row = 0; row < r.rows; row++) {
      const t = offsets[2 * row] as number;
      const p = offsets[2 * row + 1] as number;
      rowIds.push(tokenRowId(ids[t] as string, p));
      rowTexts.push(vocab[tokenIds[row] as number] ?? '');
      contexts.push(texts[t] as string);
      labels[row] = r.lmLabels?.[row] ?? perText[t]?.[p] ?? -1;
    }
    const provenance = { source: fm.checkpoint.dir, modelHash: fm.checkpoint.modelHash, classNames: fm.checkpoint.classNames };
    return { rows: r.rows, dim: r.dim, features: r.features, ids: rowIds, texts: rowTexts, contexts, labels, logits: r.logits, classes: r.numOutputs, provenance };
  } finally {
    if (model === undefined) await fm.release();
  }
}

/** Per-token class ids of text `i` (or null: no gold); errors name the file, row and id. */
function goldOf(fm: FeatureModel, text: string, i: number, id: string, kept: number, gold: TokenGold | undefined): Int32Array | null {
  if (gold === undefined) return null;
  const label = gold.labels[i] as TokenGold['labels'][number];
  const K = gold.classNames.length;
  const fail = (msg: string): never => {
    throw new InputError(gold.source, `row ${i} (id ${JSON.stringify(id)}): ${msg}`, 'give one label per text, per word or per token, each a class index or class name of the fitted model');
  };
  const toClass = (l: number | string): number => {
    const k = typeof l === 'number' ? l : gold.classNames.indexOf(l);
    return Number.isInteger(k) && k >= 0 && k < K ? k : fail(`gold label ${JSON.stringify(l)} is not a class of the fitted model (an integer in [0, ${K - 1}] or a class name)`);
  };
  if (!Array.isArray(label)) return new Int32Array(kept).fill(toClass(label));
  let aligned: (number | string)[];
  try {
    aligned = alignTokenLabels(fm.checkpoint.tokenizer, text, label, kept, { row: i, id });
  } catch (err) {
    return fail((err as Error).message.replace(/^.*?row \d+ \(id [^)]*\): /, ''));
  }
  return Int32Array.from(aligned, toClass);
}
