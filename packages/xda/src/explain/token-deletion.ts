import { InvalidOptionError } from '@dualxda/core';
import type { ModelInput, XdaModel } from '../models/types.js';
import { explainTopK } from './explain-pair.js';
import { extractFeatures } from './propagate.js';

export interface TokenDeletionOptions {
  /** Tokens deleted per training input. @default 3 */
  tokens?: number;
  /** Random deletions averaged per pair. @default 8 */
  randomDraws?: number;
  /** How many inputs act as the test input (each against up to 3 others). @default 3 */
  tests?: number;
  /** Never delete the last token (BERT's [SEP]); the first ([CLS] / <s>) is always kept. @default false */
  keepLast?: boolean;
  /** Seed of the random deletions. @default 3 */
  seed?: number;
}

/** Defaults of `TokenDeletionOptions` (the JSDoc refers here). */
export const DEFAULT_TOKEN_DELETION_OPTIONS: Readonly<Required<TokenDeletionOptions>> = Object.freeze({
  tokens: 3,
  randomDraws: 8,
  tests: 3,
  keepLast: false,
  seed: 3,
});

export interface TokenDeletionResult {
  pairs: number;
  /** Mean of ⟨f_t, f_i⟩ − ⟨f_t, f_i without its most relevant tokens⟩. */
  meanTopDrop: number;
  /** The same for random tokens (averaged over `randomDraws`). */
  meanRandomDrop: number;
}

/**
 * Faithfulness check of the train-side heatmaps: deleting the most relevant tokens of a training
 * input should lower the kernel term ⟨f(test), f(train)⟩ more than deleting random ones.
 *
 * @example
 * const r = evaluateTokenDeletion(model, inputs, { tokens: 3 });
 * r.meanTopDrop > r.meanRandomDrop; // the heatmaps point at tokens that matter
 */
export function evaluateTokenDeletion(model: XdaModel, inputs: readonly ModelInput[], options: TokenDeletionOptions = {}): TokenDeletionResult {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const { tokens: m, randomDraws, tests, keepLast, seed } = { ...DEFAULT_TOKEN_DELETION_OPTIONS, ...defined };
  if (!(Number.isInteger(m) && m > 0)) throw new InvalidOptionError('tokens', `expected a positive integer, got ${m}`);
  if (!(Number.isInteger(randomDraws) && randomDraws > 0)) throw new InvalidOptionError('randomDraws', `expected a positive integer, got ${randomDraws}`);
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, k) => acc + v * (b[k] as number), 0);
  let top = 0;
  let random = 0;
  let pairs = 0;
  for (let t = 0; t < Math.min(tests, inputs.length); t++) {
    const test = inputs[t] as ModelInput;
    const trains = inputs.filter((x, j) => j !== t && x.ids.length > m + 3).slice(0, 3);
    if (trains.length === 0) continue;
    const fTest = extractFeatures(model, [test])[0] as Float32Array;
    explainTopK(model, test, trains, { side: 'train' }).forEach((p, i) => {
      const ids = (trains[i] as ModelInput).ids;
      const body = ids.map((_, j) => j).filter((j) => j > 0 && j < ids.length - (keepLast ? 1 : 0));
      const rel = p.train?.relevance as Float64Array;
      const order = [...body].sort((a, b) => (rel[b] as number) - (rel[a] as number));
      const without = (drop: readonly number[]) => ({ ids: ids.filter((_, j) => !drop.includes(j)) });
      const kTop = dot(fTest, extractFeatures(model, [without(order.slice(0, m))])[0] as Float32Array);
      const draws = Array.from({ length: randomDraws }, () => {
        const shuffled = [...body];
        for (let a = shuffled.length - 1; a > 0; a--) {
          const b = Math.floor(rnd() * (a + 1));
          [shuffled[a], shuffled[b]] = [shuffled[b] as number, shuffled[a] as number];
        }
        return without(shuffled.slice(0, m));
      });
      const kRandom = extractFeatures(model, draws).map((f) => dot(fTest, f));
      top += p.kernel - kTop;
      random += p.kernel - kRandom.reduce((a, b) => a + b, 0) / kRandom.length;
      pairs++;
    });
  }
  return { pairs, meanTopDrop: top / Math.max(pairs, 1), meanRandomDrop: random / Math.max(pairs, 1) };
}
