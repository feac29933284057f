/**
 * The post-LayerNorm BERT-style encoder shared by BERT, RoBERTa and DistilBERT: absolute position
 * embeddings (+ token types) → LayerNorm → L × (attention, Add & LayerNorm, FFN, Add & LayerNorm)
 * → a pooling dense layer with its activation on the first token → the last linear layer. The
 * families differ only in parameter names, config keys, the position offset and the pooling
 * activation, which an `EncoderLayout` states as data; dropout is identity at inference.
 */
import * as tf from '@tensorflow/tfjs';
import { applyOp } from '../engine.js';
import type { ExecutionContext } from '../engine.js';
import { ModelWeightsError } from '../errors.js';
import type { LayerNormAttrs, LinearAttrs } from '../op-names.js';
import type { HfConfig, PaddedBatch, WeightMap, XdaModel } from './types.js';
import { linearFactory, type XdaModelOptions } from './linear-weights.js';
import { gatherRows, keyMask, takeTable, takeWeight } from './weights.js';

/** Shapes and settings of one encoder, read from `config.json` by the layout. */
export interface EncoderDims {
  hidden: number;
  layers: number;
  heads: number;
  /** Config key of `heads`, for error messages. */
  headsField: string;
  intermediate: number;
  vocab: number;
  /** Rows of the position-embedding table. */
  positionRows: number;
  /** Token-type rows; 0 for families without token types (DistilBERT). */
  typeVocab: number;
  eps: number;
  /** The FFN activation. */
  activation: 'Gelu' | 'Relu';
  /** Position id of the first token (RoBERTa: padding_idx + 1; BERT, DistilBERT: 0). */
  positionOffset: number;
}

/** Parameter names of one encoder block, relative to the base-model prefix. */
export interface EncoderBlockNames {
  q: string; k: string; v: string; o: string; ln1: string; inter: string; out: string; ln2: string;
}

/** One family's spelling of the shared encoder. */
export interface EncoderLayout {
  modelType: string;
  readConfig(config: HfConfig): EncoderDims;
  /** Base-model prefix in a `*ForSequenceClassification` checkpoint (`bert.`); a bare model has none. */
  basePrefix: string;
  wordEmbeddings: string;
  positionEmbeddings: string;
  /** Absent for families without token types. */
  tokenTypeEmbeddings?: string;
  embeddingsNorm: string;
  block(layer: number): EncoderBlockNames;
  /**
   * The dense layer between the first token's state and the last linear layer (BERT `pooler.dense`
   * inside the base model, RoBERTa `classifier.dense`, DistilBERT `pre_classifier`) and its
   * activation. When the checkpoint lacks it, the features are the first token's state.
   */
  pooler: { name: string; inBase: boolean; activation: 'Tanh' | 'Relu' };
  /** The last linear layer, whose input is the feature vector. */
  head: string;
  /**
   * The masked-LM head's transform between a token's final hidden state and the decoder (BERT
   * `cls.predictions.transform`): dense → activation (default: the FFN's) → LayerNorm (eps: the
   * encoder's), full parameter names. Built only for a `*ForMaskedLM` checkpoint that has it, as
   * llm-adapter reads a token row's feature there; absent: the family's MLM head is not covered.
   */
  maskedLmTransform?: { dense: string; norm: string; activation?: 'Gelu' | 'Relu' };
}

/**
 * Builds the shared encoder from HF weights named as `layout` says.
 *
 * @throws ModelWeightsError naming the weight or `config.<field>` that is missing, misshapen or
 *   unsupported.
 * @example
 * const model = buildEncoder(weights, config, ROBERTA_LAYOUT); // what createXdaModel does for 'roberta'
 */
export function buildEncoder(weights: WeightMap, config: HfConfig, layout: EncoderLayout, options: XdaModelOptions = {}): XdaModel {
  const dims = layout.readConfig(config);
  const { hidden: H, heads: nHeads, intermediate: I, vocab: V, eps } = dims;
  if (H % nHeads !== 0) throw new ModelWeightsError(`config.${dims.headsField}`, `${nHeads} does not divide hidden size ${H}`);
  if (dims.positionRows <= dims.positionOffset) {
    throw new ModelWeightsError('config.max_position_embeddings', `${dims.positionRows} leaves no position after the offset ${dims.positionOffset}`);
  }
  const pre = weights.has(`${layout.basePrefix}${layout.wordEmbeddings}.weight`) ? layout.basePrefix : '';
  const linears = linearFactory(weights, options);
  const lin = (full: string, o: number, i: number): LinearAttrs => linears.linear(full, o, i);
  const lnAt = (full: string): LayerNormAttrs => ({
    gamma: takeWeight(weights, `${full}.weight`, [H]) as tf.Tensor1D, beta: takeWeight(weights, `${full}.bias`, [H]) as tf.Tensor1D, eps,
  });
  const ln = (name: string): LayerNormAttrs => lnAt(pre + name);
  const table = (name: string, rows: number) => takeTable(weights, pre + name, [rows, H]);
  const wordEmb = table(`${layout.wordEmbeddings}.weight`, V);
  const posEmb = table(`${layout.positionEmbeddings}.weight`, dims.positionRows);
  const typeEmb = layout.tokenTypeEmbeddings === undefined ? undefined : table(`${layout.tokenTypeEmbeddings}.weight`, dims.typeVocab);
  const embLn = ln(layout.embeddingsNorm);
  const layers = Array.from({ length: dims.layers }, (_, l) => {
    const n = layout.block(l);
    return {
      q: lin(pre + n.q, H, H), k: lin(pre + n.k, H, H), v: lin(pre + n.v, H, H), o: lin(pre + n.o, H, H),
      ln1: ln(n.ln1), inter: lin(pre + n.inter, I, H), out: lin(pre + n.out, H, I), ln2: ln(n.ln2),
    };
  });
  // Without the pooling layer (e.g. a *ForTokenClassification checkpoint) the features are the
  // first token's state, as llm-adapter pools the `last_hidden_state` of such a graph.
  const poolerName = (layout.pooler.inBase ? pre : '') + layout.pooler.name;
  const pooler = weights.has(`${poolerName}.weight`) ? lin(poolerName, H, H) : undefined;
  const headW = weights.get(`${layout.head}.weight`);
  const head = headW === undefined ? undefined : linears.head(layout.head, headW.shape[0] ?? 0, H);
  const mlm = layout.maskedLmTransform;
  const transform = mlm !== undefined && isMaskedLm(config) && weights.has(`${mlm.dense}.weight`)
    ? { dense: lin(mlm.dense, H, H), activation: mlm.activation ?? dims.activation, norm: lnAt(mlm.norm) }
    : undefined;
  const scale = 1 / Math.sqrt(H / nHeads);

  function positionEmbeddings(batch: PaddedBatch): tf.Tensor3D {
    const positions = Array.from({ length: batch.maxLen }, (_, t) => t + dims.positionOffset);
    return gatherRows(posEmb, batch.ids.map(() => positions), typeEmb && { table: typeEmb, ids: batch.tokenTypeIds });
  }

  type Layer = (typeof layers)[number];

  /**
   * One encoder layer. `queries` (default: `x`) are the rows that attend and go on through the
   * output projection and FFN; keys and values are always every row of `x`.
   */
  function layer(ctx: ExecutionContext, ly: Layer, x: tf.Tensor, mask: tf.Tensor, queries: tf.Tensor = x): tf.Tensor {
    const heads = (a: LinearAttrs, from: tf.Tensor) => applyOp(ctx, 'SplitHeads', [applyOp(ctx, 'Linear', [from], a)], { numHeads: nHeads });
    const scores = applyOp(ctx, 'MatMulQK', [heads(ly.q, queries), heads(ly.k, x)], { scale });
    const probs = applyOp(ctx, 'Softmax', [scores], { mask });
    const context = applyOp(ctx, 'MergeHeads', [applyOp(ctx, 'MatMulAV', [probs, heads(ly.v, x)], {})], {});
    const y = applyOp(ctx, 'LayerNorm', [applyOp(ctx, 'Add', [applyOp(ctx, 'Linear', [context], ly.o), queries], {})], ly.ln1);
    const hidden = applyOp(ctx, dims.activation, [applyOp(ctx, 'Linear', [y], ly.inter)], {});
    return applyOp(ctx, 'LayerNorm', [applyOp(ctx, 'Add', [applyOp(ctx, 'Linear', [hidden], ly.out), y], {})], ly.ln2);
  }

  function embeddings(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor {
    return applyOp(ctx, 'LayerNorm', [applyOp(ctx, 'AddConstant', [e], { constant: positionEmbeddings(batch) })], embLn);
  }

  function hiddenStates(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor3D {
    let x = embeddings(ctx, e, batch);
    const mask = keyMask(batch);
    for (const ly of layers) x = layer(ctx, ly, x, mask);
    return x as tf.Tensor3D;
  }

  /**
   * The pooled features read only the first token of the last layer, so that layer attends from
   * the first token alone (queries = row 0; keys and values all rows) and runs its output
   * projection and FFN on it: the same numbers for that token, a third less work for 2 layers.
   */
  function features(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
    let x = embeddings(ctx, e, batch);
    const mask = keyMask(batch);
    layers.slice(0, -1).forEach((ly) => (x = layer(ctx, ly, x, mask)));
    const last = layers[layers.length - 1];
    if (last !== undefined) {
      const first = applyOp(ctx, 'SelectToken', [x], { index: batch.lengths.map(() => 0) });
      x = layer(ctx, last, x, mask, tf.reshape(first, [batch.lengths.length, 1, H]));
    }
    return poolFeatures(ctx, x, batch);
  }

  /** `features` as steps (XdaModel.stages): embeddings, layers 0..L−2, then the last layer and pooling. */
  function stages(batch: PaddedBatch, output: 'features' | 'hidden' = 'features'): ReturnType<NonNullable<XdaModel['stages']>> {
    // Made outside any caller's tidy, so tidy here: keyMask's intermediate would outlive the pass.
    const mask = tf.tidy(() => keyMask(batch));
    const last = layers[layers.length - 1];
    const B = batch.lengths.length;
    const T = batch.maxLen;
    const steps: ((ctx: ExecutionContext, x: tf.Tensor) => tf.Tensor)[] = [(ctx, e) => embeddings(ctx, e, batch)];
    layers.slice(0, output === 'hidden' ? undefined : -1).forEach((ly) => steps.push((ctx, x) => layer(ctx, ly, x, mask)));
    if (output === 'features') steps.push((ctx, x) => {
      if (last === undefined) return poolFeatures(ctx, x, batch);
      const first = applyOp(ctx, 'SelectToken', [x], { index: batch.lengths.map(() => 0) });
      return poolFeatures(ctx, layer(ctx, last, x, mask, tf.reshape(first, [B, 1, H])), batch);
    });
    // What a one-shot pass holds per layer: ~16 [B, T, H]-sized tensors (inputs and outputs the
    // rules read) plus ~4 [B, heads, T, T] attention tensors and the FFN's [B, T, I] ones.
    const perLayer = 4 * B * T * (16 * H + 4 * nHeads * T + 3 * I);
    return { steps, activationBytes: perLayer * layers.length, release: () => mask.dispose() };
  }

  function poolFeatures(ctx: ExecutionContext, x: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
    const first = applyOp(ctx, 'SelectToken', [x], { index: batch.lengths.map(() => 0) });
    if (pooler === undefined) return first as tf.Tensor2D;
    return applyOp(ctx, layout.pooler.activation, [applyOp(ctx, 'Linear', [first], pooler)], {}) as tf.Tensor2D;
  }

  const all = (): tf.Tensor[] => {
    const ts: tf.Tensor[] = [embLn.gamma, embLn.beta];
    const push = (a: LinearAttrs) => ts.push(...linears.tensors(a));
    for (const ly of layers) {
      [ly.q, ly.k, ly.v, ly.o, ly.inter, ly.out].forEach(push);
      ts.push(ly.ln1.gamma, ly.ln1.beta, ly.ln2.gamma, ly.ln2.beta);
    }
    if (pooler) push(pooler);
    if (head) push(head);
    if (transform) {
      push(transform.dense);
      ts.push(transform.norm.gamma, transform.norm.beta);
    }
    return ts;
  };

  return {
    modelType: layout.modelType,
    featureSize: H,
    head,
    vocabSize: V,
    maxPositions: dims.positionRows - dims.positionOffset,
    embed: (batch) => gatherRows(wordEmb, batch.ids),
    positionEmbeddings,
    features,
    hiddenStates,
    poolFeatures,
    stages,
    ...(transform === undefined ? {} : {
      tokenTransform: (ctx: ExecutionContext, x: tf.Tensor) => applyOp(ctx, 'LayerNorm', [applyOp(ctx, transform.activation, [applyOp(ctx, 'Linear', [x], transform.dense)], {})], transform.norm) as tf.Tensor2D,
    }),
    dispose: () => {
      all().forEach((t) => t.dispose());
      linears.release();
    },
  };
}

/** Whether `config.architectures` names a `*ForMaskedLM` class (llm-adapter's test for the MLM head). */
function isMaskedLm(config: HfConfig): boolean {
  const archs = config['architectures'];
  return Array.isArray(archs) && archs.some((a) => typeof a === 'string' && a.endsWith('ForMaskedLM'));
}

/**
 * The FFN activation named by `field`, among the ones the encoder has rules for.
 *
 * @example
 * encoderActivation({ activation: 'relu' }, 'activation', 'gelu'); // 'Relu'
 */
export function encoderActivation(config: HfConfig, field: string, fallback: string): 'Gelu' | 'Relu' {
  const act = config[field] ?? fallback;
  if (act === 'gelu') return 'Gelu';
  if (act === 'relu') return 'Relu';
  throw new ModelWeightsError(`config.${field}`, `only "gelu" (exact) and "relu" are supported, got ${JSON.stringify(act)}`);
}
