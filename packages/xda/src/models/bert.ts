/**
 * BERT encoder + pooler (HF `BertForSequenceClassification` layout); features = pooler output, the
 * input of `classifier`. Dropout is identity at inference and therefore not in the graph.
 */
import * as tf from '@tensorflow/tfjs';
import { applyOp } from '../engine.js';
import type { ExecutionContext } from '../engine.js';
import { ModelWeightsError } from '../errors.js';
import type { LayerNormAttrs, LinearAttrs } from '../op-names.js';
import type { HfConfig, PaddedBatch, WeightMap, XdaModel } from './types.js';
import { configInt, configNumber, keyMask, maybeWeight, takeWeight } from './weights.js';

interface BertLayer {
  q: LinearAttrs; k: LinearAttrs; v: LinearAttrs; o: LinearAttrs; ln1: LayerNormAttrs;
  inter: LinearAttrs; out: LinearAttrs; ln2: LayerNormAttrs;
}

export function buildBert(weights: WeightMap, config: HfConfig): XdaModel {
  const H = configInt(config, 'hidden_size');
  const L = configInt(config, 'num_hidden_layers');
  const nHeads = configInt(config, 'num_attention_heads');
  const I = configInt(config, 'intermediate_size');
  const V = configInt(config, 'vocab_size');
  const P = configInt(config, 'max_position_embeddings');
  const typeVocab = configInt(config, 'type_vocab_size', 2);
  const eps = configNumber(config, 'layer_norm_eps', 1e-12);
  const act = config['hidden_act'] ?? 'gelu';
  if (act !== 'gelu') throw new ModelWeightsError('config.hidden_act', `only "gelu" is supported, got ${JSON.stringify(act)}`);
  if (H % nHeads !== 0) throw new ModelWeightsError('config.num_attention_heads', `${nHeads} does not divide hidden_size ${H}`);
  // BertForSequenceClassification prefixes "bert."; a bare BertModel does not.
  const pre = weights.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
  const w = (name: string, shape: number[]) => takeWeight(weights, pre + name, shape);
  const lin = (name: string, o: number, i: number): LinearAttrs => ({
    weight: w(`${name}.weight`, [o, i]) as tf.Tensor2D,
    bias: maybeWeight(weights, `${pre}${name}.bias`, [o]) as tf.Tensor1D | undefined,
  });
  const ln = (name: string): LayerNormAttrs => ({
    gamma: w(`${name}.weight`, [H]) as tf.Tensor1D, beta: w(`${name}.bias`, [H]) as tf.Tensor1D, eps,
  });
  const wordEmb = w('embeddings.word_embeddings.weight', [V, H]);
  const posEmb = w('embeddings.position_embeddings.weight', [P, H]);
  const typeEmb = w('embeddings.token_type_embeddings.weight', [typeVocab, H]);
  const embLn = ln('embeddings.LayerNorm');
  const layers: BertLayer[] = Array.from({ length: L }, (_, l) => {
    const p = `encoder.layer.${l}.`;
    return {
      q: lin(`${p}attention.self.query`, H, H), k: lin(`${p}attention.self.key`, H, H),
      v: lin(`${p}attention.self.value`, H, H), o: lin(`${p}attention.output.dense`, H, H),
      ln1: ln(`${p}attention.output.LayerNorm`), inter: lin(`${p}intermediate.dense`, I, H),
      out: lin(`${p}output.dense`, H, I), ln2: ln(`${p}output.LayerNorm`),
    };
  });
  // A checkpoint without a pooler (e.g. BertForTokenClassification) gets the [CLS] state as
  // features, as llm-adapter pools the ONNX `last_hidden_state` of such a graph.
  const pooler = weights.has(`${pre}pooler.dense.weight`) ? lin('pooler.dense', H, H) : undefined;
  const headW = weights.get('classifier.weight');
  const head: LinearAttrs | undefined = headW === undefined ? undefined : {
    weight: takeWeight(weights, 'classifier.weight', [headW.shape[0] ?? 0, H]) as tf.Tensor2D,
    bias: maybeWeight(weights, 'classifier.bias', [headW.shape[0] ?? 0]) as tf.Tensor1D | undefined,
  };
  const scale = 1 / Math.sqrt(H / nHeads);

  function positionEmbeddings(batch: PaddedBatch): tf.Tensor3D {
    const positions = tf.tensor1d(Array.from({ length: batch.maxLen }, (_, t) => t), 'int32');
    return tf.add(tf.gather(posEmb, positions), tf.gather(typeEmb, tf.tensor2d(batch.tokenTypeIds, undefined, 'int32'))) as tf.Tensor3D;
  }

  function hiddenStates(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor3D {
    const constant = positionEmbeddings(batch);
    let x = applyOp(ctx, 'LayerNorm', [applyOp(ctx, 'AddConstant', [e], { constant })], embLn);
    const mask = keyMask(batch);
    for (const ly of layers) {
      const heads = (a: LinearAttrs) => applyOp(ctx, 'SplitHeads', [applyOp(ctx, 'Linear', [x], a)], { numHeads: nHeads });
      const scores = applyOp(ctx, 'MatMulQK', [heads(ly.q), heads(ly.k)], { scale });
      const probs = applyOp(ctx, 'Softmax', [scores], { mask });
      const context = applyOp(ctx, 'MergeHeads', [applyOp(ctx, 'MatMulAV', [probs, heads(ly.v)], {})], {});
      x = applyOp(ctx, 'LayerNorm', [applyOp(ctx, 'Add', [applyOp(ctx, 'Linear', [context], ly.o), x], {})], ly.ln1);
      const hidden = applyOp(ctx, 'Gelu', [applyOp(ctx, 'Linear', [x], ly.inter)], {});
      x = applyOp(ctx, 'LayerNorm', [applyOp(ctx, 'Add', [applyOp(ctx, 'Linear', [hidden], ly.out), x], {})], ly.ln2);
    }
    return x as tf.Tensor3D;
  }

  function poolFeatures(ctx: ExecutionContext, x: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
    const cls = applyOp(ctx, 'SelectToken', [x], { index: batch.lengths.map(() => 0) });
    if (pooler === undefined) return cls as tf.Tensor2D;
    return applyOp(ctx, 'Tanh', [applyOp(ctx, 'Linear', [cls], pooler)], {}) as tf.Tensor2D;
  }

  function features(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
    return poolFeatures(ctx, hiddenStates(ctx, e, batch), batch);
  }

  const all = (): tf.Tensor[] => {
    const ts: tf.Tensor[] = [wordEmb, posEmb, typeEmb, embLn.gamma, embLn.beta];
    const push = (a: LinearAttrs) => ts.push(a.weight, ...(a.bias ? [a.bias] : []));
    for (const ly of layers) {
      [ly.q, ly.k, ly.v, ly.o, ly.inter, ly.out].forEach(push);
      ts.push(ly.ln1.gamma, ly.ln1.beta, ly.ln2.gamma, ly.ln2.beta);
    }
    if (pooler) push(pooler);
    if (head) push(head);
    return ts;
  };

  return {
    modelType: 'bert',
    featureSize: H,
    head,
    vocabSize: V,
    maxPositions: P,
    embed: (batch) => tf.gather(wordEmb, tf.tensor2d(batch.ids, undefined, 'int32')) as tf.Tensor3D,
    positionEmbeddings,
    features,
    hiddenStates,
    poolFeatures,
    dispose: () => all().forEach((t) => t.dispose()),
  };
}
