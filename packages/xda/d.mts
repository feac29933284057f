import * as tf from '@tensorflow/tfjs';
import { evaluateTokenDeletion } from './src/index.js';
import { loadAssetModel, loadReference } from './test/shared-assets.js';
await tf.setBackend('cpu');
const model = loadAssetModel('spam-bert');
for (const len of [24, 32]) {
  const inputs = loadReference('spam-bert').map((c) => ({ ids: [...c.input_ids.slice(0, len), 3] }));
  const t = performance.now();
  const r = evaluateTokenDeletion(model, inputs, { tokens: 3, randomDraws: 8, tests: 3, keepLast: true });
  console.log(len, r, performance.now() - t);
  for (const seed of [5, 9]) console.log(' seed', seed, evaluateTokenDeletion(model, inputs, { tokens: 3, randomDraws: 8, tests: 3, keepLast: true, seed }));
}
