import * as tf from '@tensorflow/tfjs';
import { createXdaModel, explainPair, explainPrediction, explainTopK } from './src/index.js';
import { TINY_BERT_CONFIG, tinyBertWeights, TINY_LLAMA_CONFIG, tinyLlamaWeights } from './test/random-models.js';
await tf.setBackend('cpu');
for (const [cfg, w] of [[TINY_BERT_CONFIG, tinyBertWeights()], [TINY_LLAMA_CONFIG, tinyLlamaWeights()]] as const) {
  const m = createXdaModel(w, cfg);
  for (const variant of ['attnlrp', 'cp-lrp'] as const) {
    const p = explainPair(m, { ids: [1, 5, 7, 9, 2] }, { ids: [1, 4, 3, 2] }, { alpha: 0.7, variant });
    console.log(cfg.model_type, variant, p.kernel, p.test?.target, p.test?.tokenSum, p.test?.absorbed, p.test?.residual, p.train?.residual);
  }
  const ks = explainTopK(m, { ids: [1, 5, 7, 9, 2] }, [{ ids: [1, 4, 3, 2] }, { ids: [3, 3, 8, 9, 10, 11, 2] }], { alphas: [0.7, -2] });
  console.log(ks.map((k) => [k.attribution, k.test?.target, k.test?.residual, k.train?.target, k.train?.residual]));
  const pr = explainPrediction(m, { ids: [1, 5, 7, 9, 2] });
  console.log(pr.classIndex, pr.logits, pr.target, pr.tokenSum, pr.absorbed, pr.residual);
  console.log(tf.memory().numTensors);
}
