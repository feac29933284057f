import * as tf from '@tensorflow/tfjs';
import { explainTopK, extractFeatures } from './src/index.js';
import { loadAssetModel, loadReference } from './test/shared-assets.js';
await tf.setBackend('cpu');
const name = process.argv[2] ?? 'tiny-bert';
const model = loadAssetModel(name);
const cases = loadReference(name);
const trim = (ids: number[]) => (name.includes('bert') ? [...ids.slice(0, 24), 3] : ids.slice(0, 24));
const inputs = cases.map((c) => ({ ids: trim(c.input_ids) }));
let seed = 3;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, k) => s + v * b[k]!, 0);
const m = 3;
let top = 0, rand = 0, n = 0;
for (let t = 0; t < 4; t++) {
  const test = inputs[t]!;
  const trains = inputs.filter((_, j) => j !== t && inputs[j]!.ids.length > 6).slice(0, 3);
  const pairs = explainTopK(model, test, trains, { side: 'train' });
  const fTest = extractFeatures(model, [test])[0]!;
  pairs.forEach((p, i) => {
    const ids = trains[i]!.ids;
    const body = ids.map((_, j) => j).filter((j) => j > 0 && j < ids.length - (name.includes('bert') ? 1 : 0));
    const order = [...body].sort((a, b) => p.train!.relevance[b]! - p.train!.relevance[a]!);
    const del = (drop: number[]) => ({ ids: ids.filter((_, j) => !drop.includes(j)) });
    const kTop = dot(fTest, extractFeatures(model, [del(order.slice(0, m))])[0]!);
    const randoms = Array.from({ length: 8 }, () => del([...body].sort(() => rnd() - 0.5).slice(0, m)));
    const kr = extractFeatures(model, randoms).map((f) => dot(fTest, f));
    top += p.kernel - kTop; rand += p.kernel - kr.reduce((a, b) => a + b, 0) / kr.length; n++;
    console.log(p.kernel.toFixed(3), (p.kernel - kTop).toFixed(3), (p.kernel - kr.reduce((a, b) => a + b, 0) / kr.length).toFixed(3));
  });
}
console.log('mean drop top', top / n, 'random', rand / n);
