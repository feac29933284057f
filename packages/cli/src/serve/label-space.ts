/**
 * The labels the dashboard shows, for a candidate-set model (`fit --classes`; with an LM head the
 * store's classes are the vocabulary). α, predictions and the surrogate's logits are indexed by the
 * model's classes 0 … K − 1 (`classIds[k]` is the store class of class k); store labels are store
 * classes. The server remaps labels once at start-up: a label in the set becomes its model class,
 * any other store class that occurs as a label gets an index K, K + 1, … whose name follows the
 * model's names in `labelNames`. So `label === prediction` still means "correct", the confusion
 * matrix (K × K) leaves those rows out, and no view needs the whole vocabulary.
 */
import { DualxdaError, type TokenContext } from '@dualxda/core';
import { isTokenStore, tokenRowInput } from '../steps/token-rows.js';
import type { SurrogateModel, TrainSource } from './types.js';

/** Labels in the dashboard's label space (see the module comment). */
export interface LabelSpace {
  /** Model class names, then the names of the labels outside the candidate set (K + j). */
  labelNames: string[];
  trainLabels: Int32Array;
  testLabels: Int32Array;
  /** Candidate-set models only: what the set leaves out. */
  candidateSet?: { storeClasses: number; trainRowsOutside: number; testRowsOutside: number };
}

/**
 * Remaps store labels of a candidate-set model (identity for an ordinary fit; -1, unknown, stays).
 *
 * @example
 * const s = labelSpace({ classNames: ['b', 'd'], classIds: [1, 3] } as SurrogateModel, ['a', 'b', 'c', 'd'], Int32Array.of(1, 2), Int32Array.of(3, 0, -1));
 * s.labelNames; // ['b', 'd', 'c', 'a']
 * s.testLabels; // Int32Array [1, 3, -1]
 */
export function labelSpace(model: Pick<SurrogateModel, 'classNames' | 'classIds'>, storeClassNames: readonly string[], trainLabels: Int32Array, testLabels: Int32Array): LabelSpace {
  const ids = model.classIds;
  if (ids === undefined) return { labelNames: model.classNames, trainLabels, testLabels };
  const K = model.classNames.length;
  if (ids.length !== K) throw new DualxdaError('ModelLoadError', `model: classIds has ${ids.length} entries, classNames ${K}`);
  const index = new Map(ids.map((c, k) => [c, k]));
  const labelNames = [...model.classNames];
  const remap = (labels: Int32Array): { out: Int32Array; outside: number } => {
    const out = new Int32Array(labels.length);
    let outside = 0;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i] as number;
      if (c < 0) {
        out[i] = -1;
        continue;
      }
      let k = index.get(c);
      if (k === undefined) {
        k = labelNames.length;
        index.set(c, k);
        labelNames.push(storeClassNames[c] ?? `class_${c}`);
      }
      if (k >= K) outside++;
      out[i] = k;
    }
    return { out, outside };
  };
  const train = remap(trainLabels);
  const test = remap(testLabels);
  return { labelNames, trainLabels: train.out, testLabels: test.out, candidateSet: { storeClasses: storeClassNames.length, trainRowsOutside: train.outside, testRowsOutside: test.outside } };
}

/**
 * The network's test logits over the model's classes: as stored for an ordinary fit; for a
 * candidate set whose test store holds logits over every store class, the candidates' columns (a
 * prediction outside the set is then the best candidate). null when the test store has none.
 */
export function modelClassLogits(raw: Float32Array | null, rows: number, model: Pick<SurrogateModel, 'classNames' | 'classIds'>): Float32Array | null {
  const K = model.classNames.length;
  const ids = model.classIds;
  if (raw === null) return null;
  if (ids === undefined || raw.length === rows * K) {
    if (raw.length !== rows * K) throw new DualxdaError('StoreFormatError', `test logits have ${raw.length} values, expected rows x K = ${rows} x ${K}`);
    return raw;
  }
  const L = rows === 0 ? 0 : raw.length / rows;
  if (!Number.isInteger(L) || L <= (ids[K - 1] ?? 0)) throw new DualxdaError('StoreFormatError', `test logits have ${raw.length} values for ${rows} rows: not rows x K (${K}) nor rows x the store classes the candidate set names (class ${ids[K - 1]})`);
  const out = new Float32Array(rows * K);
  for (let t = 0; t < rows; t++) for (let k = 0; k < K; k++) out[t * K + k] = raw[t * L + (ids[k] as number)] as number;
  return out;
}

/** Tokens of a token row's text sent with a detail page (from the text's start). */
export const DETAIL_CONTEXT_TOKENS = 256;

/** The text around token row `row` of a token-head store (`TokenContext`); undefined for sequence rows. */
export async function tokenContext(source: TrainSource, row: number): Promise<TokenContext | undefined> {
  if (!isTokenStore(source.store)) return undefined;
  const rows = (s: number, e: number): number[] => Array.from({ length: e - s }, (_, i) => s + i);
  const { tokens, position } = await tokenRowInput(source.store, row, DETAIL_CONTEXT_TOKENS, (s, e) => source.readTexts(rows(s, e)));
  return { tokens: tokens.slice(0, Math.max(DETAIL_CONTEXT_TOKENS, position + 1)), position };
}

/** Token stores up to this many rows keep their ids in memory for the lists (about 20 bytes a row). */
export const MAX_HELD_TOKEN_IDS = 200_000;

const heldIds = new WeakMap<TrainSource['store'], Promise<string[]>>();

/**
 * Ids of the rows of a token-head store, read once and held (a list row's snippet is one token, so
 * the list shows the id `textId#position` beside it); undefined for sequence stores and stores
 * over `MAX_HELD_TOKEN_IDS` rows.
 */
export function tokenRowIds(source: TrainSource): Promise<string[]> | undefined {
  const store = source.store;
  if (!isTokenStore(store) || store.rows > MAX_HELD_TOKEN_IDS) return undefined;
  let ids = heldIds.get(store);
  if (ids === undefined) {
    ids = store.readIds(0, store.rows);
    heldIds.set(store, ids);
    ids.catch(() => heldIds.delete(store));
  }
  return ids;
}
