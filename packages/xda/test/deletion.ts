/**
 * Token-deletion check: delete the m most relevant body tokens of the train side and compare the
 * drop of the kernel term ⟨f_test, f_train⟩ with deleting m random body tokens.
 */
import { explainTopK, extractFeatures } from '../src/index.js';
import type { ModelInput, XdaModel } from '../src/index.js';

export interface DeletionResult {
  pairs: number;
  meanTopDrop: number;
  meanRandomDrop: number;
}

export function deletionCheck(model: XdaModel, inputs: ModelInput[], opts: { m: number; randomDraws: number; tests: number; keepLast: boolean }): DeletionResult {
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, k) => s + v * (b[k] as number), 0);
  let top = 0;
  let random = 0;
  let pairs = 0;
  for (let t = 0; t < opts.tests; t++) {
    const test = inputs[t] as ModelInput;
    const trains = inputs.filter((x, j) => j !== t && x.ids.length > opts.m + 3).slice(0, 3);
    const fTest = extractFeatures(model, [test])[0] as Float32Array;
    explainTopK(model, test, trains, { side: 'train' }).forEach((p, i) => {
      const ids = (trains[i] as ModelInput).ids;
      // Never delete the first token ([CLS] / <s>) or a final [SEP].
      const body = ids.map((_, j) => j).filter((j) => j > 0 && j < ids.length - (opts.keepLast ? 1 : 0));
      const rel = p.train?.relevance as Float64Array;
      const order = [...body].sort((a, b) => (rel[b] as number) - (rel[a] as number));
      const without = (drop: number[]) => ({ ids: ids.filter((_, j) => !drop.includes(j)) });
      const kTop = dot(fTest, extractFeatures(model, [without(order.slice(0, opts.m))])[0] as Float32Array);
      const draws = Array.from({ length: opts.randomDraws }, () => without([...body].sort(() => rnd() - 0.5).slice(0, opts.m)));
      const kRandom = extractFeatures(model, draws).map((f) => dot(fTest, f));
      top += p.kernel - kTop;
      random += p.kernel - kRandom.reduce((a, b) => a + b, 0) / kRandom.length;
      pairs++;
    });
  }
  return { pairs, meanTopDrop: top / pairs, meanRandomDrop: random / pairs };
}
