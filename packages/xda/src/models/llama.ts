/**
 * Llama decoder (HF `LlamaForSequenceClassification` layout: RMSNorm, RoPE, GQA, SwiGLU, causal
 * mask); features = final-norm hidden state of the last real token, the input of `score`. Families
 * with the same layout (Mistral, Qwen2) run this code through a `LlamaVariant`.
 */
import * as tf from '@tensorflow/tfjs';
import { parseRopeConfig, ropeCosSin, type RopeConfig } from '@dualxda/core';
import { applyOp } from '../engine.js';
import type { ExecutionContext } from '../engine.js';
import { ModelWeightsError } from '../errors.js';
import type { LinearAttrs, RmsNormAttrs } from '../op-names.js';
import type { HfConfig, PaddedBatch, WeightMap, XdaModel } from './types.js';
import { linearFactory, type XdaModelOptions } from './linear-weights.js';
import { configInt, configNumber, gatherRows, keyMask, takeTable, takeWeight } from './weights.js';

interface LlamaLayer {
  inNorm: RmsNormAttrs; q: LinearAttrs; k: LinearAttrs; v: LinearAttrs; o: LinearAttrs;
  postNorm: RmsNormAttrs; gate: LinearAttrs; up: LinearAttrs; down: LinearAttrs;
}

/**
 * RoPE tables `[T, D]` for positions 0..T-1 from the parsed config (@dualxda/core
 * `parseRopeConfig`: transformers 4.x `rope_theta` + `rope_scaling` or 5.x `rope_parameters`;
 * default, linear, dynamic, llama3 and yarn), angles duplicated over halves, cos/sin times YaRN's
 * attention scaling.
 */
export function ropeTables(T: number, rope: RopeConfig): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const { cos, sin, dim } = ropeCosSin(rope, T);
  return { cos: tf.tensor2d(cos, [T, dim]), sin: tf.tensor2d(sin, [T, dim]) };
}

/** What a Llama-layout family changes (mistral.ts, qwen2.ts, gemma.ts): options, not a copy of the forward. */
export interface LlamaVariant {
  modelType: string;
  /**
   * Attention projections whose bias must be present (Qwen2: q, k, v). Other biases stay optional,
   * read when the weights have them (Llama's `attention_bias` / `mlp_bias`).
   */
  requiredBiases: readonly ('q_proj' | 'k_proj' | 'v_proj' | 'o_proj')[];
  /** Sliding-window size per layer from the config (null = full causal attention); errors name the field. */
  slidingWindows(config: HfConfig, numLayers: number): readonly (number | null)[];
  /** The MLP gate's activation op, read from the config (default: Llama's `hidden_act`, "silu" only); errors name the field. */
  mlpActivation?(config: HfConfig): 'Silu' | 'GeluTanh';
  /** Added to every RMSNorm weight once at load (Gemma scales by 1 + w). Default 0. */
  normWeightOffset?: number;
  /** Word embeddings times √hidden_size in float32 (Gemma's normaliser), before the first layer. */
  scaleEmbeddings?: boolean;
}

export const LLAMA_VARIANT: LlamaVariant = {
  modelType: 'llama',
  requiredBiases: [],
  slidingWindows: (_config, numLayers) => new Array<null>(numLayers).fill(null),
};

/**
 * Allowed keys `[1, 1, T, T]` for a causal mask limited to a sliding window: query q sees key k iff
 * q - window < k <= q (transformers `sliding_window_overlay`); null window = plain causal mask.
 */
function causalMask(T: number, window: number | null): tf.Tensor {
  const band = tf.linalg.bandPart(tf.ones([T, T], 'int32'), window === null ? -1 : Math.min(window - 1, T), 0);
  return tf.cast(tf.reshape(band, [1, 1, T, T]), 'bool');
}

export function buildLlama(weights: WeightMap, config: HfConfig, options: XdaModelOptions = {}): XdaModel {
  return buildLlamaFamily(weights, config, LLAMA_VARIANT, options);
}

/** The Llama forward with a family's differences (`variant`). */
export function buildLlamaFamily(weights: WeightMap, config: HfConfig, variant: LlamaVariant, options: XdaModelOptions = {}): XdaModel {
  const H = configInt(config, 'hidden_size');
  const L = configInt(config, 'num_hidden_layers');
  const nHeads = configInt(config, 'num_attention_heads');
  const nKv = configInt(config, 'num_key_value_heads', nHeads);
  const D = configInt(config, 'head_dim', H / nHeads);
  const I = configInt(config, 'intermediate_size');
  const V = configInt(config, 'vocab_size');
  const P = configInt(config, 'max_position_embeddings', 2048);
  const eps = configNumber(config, 'rms_norm_eps', 1e-6);
  const mlpAct = variant.mlpActivation?.(config) ?? llamaActivation(config);
  // One shared reader for every RoPE field spelling (a 5.x `rope_parameters.rope_theta` read as
  // the 10000 default made pair scores differ from the store's by 27%, issue 14).
  const ropeConfig = parseRopeConfig(config);
  if (ropeConfig.dim !== D) {
    throw new ModelWeightsError('config.partial_rotary_factor', `RoPE must rotate the whole head (${D} dims), got ${ropeConfig.dim}`);
  }
  if (nHeads % nKv !== 0) throw new ModelWeightsError('config.num_key_value_heads', `${nKv} does not divide ${nHeads}`);
  const windows = variant.slidingWindows(config, L);
  const linears = linearFactory(weights, options);
  const lin = (name: string, o: number, i: number): LinearAttrs => linears.linear(name, o, i);
  // A required bias that is missing is named, not silently read as zero.
  const attn = (prefix: string, proj: LlamaVariant['requiredBiases'][number], o: number, i: number): LinearAttrs =>
    linears.linear(`${prefix}${proj}`, o, i, variant.requiredBiases.includes(proj) ? 'required' : 'optional');
  const norm = (name: string): RmsNormAttrs => {
    const w = takeWeight(weights, `${name}.weight`, [H]) as tf.Tensor1D;
    const offset = variant.normWeightOffset ?? 0;
    if (offset === 0) return { weight: w, eps };
    const shifted = tf.add(w, offset) as tf.Tensor1D;
    w.dispose();
    return { weight: shifted, eps };
  };
  // Gemma's normaliser is √H rounded to the hidden dtype (float32), as transformers computes it.
  const embedScale = variant.scaleEmbeddings === true ? Math.fround(Math.sqrt(H)) : 1;
  const embed = takeTable(weights, 'model.embed_tokens.weight', [V, H]);
  const layers: LlamaLayer[] = Array.from({ length: L }, (_, l) => {
    const p = `model.layers.${l}.`;
    return {
      inNorm: norm(`${p}input_layernorm`), q: attn(`${p}self_attn.`, 'q_proj', nHeads * D, H),
      k: attn(`${p}self_attn.`, 'k_proj', nKv * D, H), v: attn(`${p}self_attn.`, 'v_proj', nKv * D, H),
      o: attn(`${p}self_attn.`, 'o_proj', H, nHeads * D), postNorm: norm(`${p}post_attention_layernorm`),
      gate: lin(`${p}mlp.gate_proj`, I, H), up: lin(`${p}mlp.up_proj`, I, H), down: lin(`${p}mlp.down_proj`, H, I),
    };
  });
  const finalNorm = norm('model.norm');
  const scoreW = weights.get('score.weight');
  const head = scoreW === undefined ? undefined : linears.head('score', scoreW.shape[0] ?? 0, H);

  /** The batch's RoPE tables and each layer's attention mask (one tensor per distinct window). */
  function batchConstants(batch: PaddedBatch): { rope: { cos: tf.Tensor2D; sin: tf.Tensor2D }; masks: tf.Tensor[] } {
    const T = batch.maxLen;
    const rope = ropeTables(T, ropeConfig);
    const keys = keyMask(batch);
    // One mask per distinct window; a window at least T long is the plain causal mask.
    const byWindow = new Map<number | null, tf.Tensor>();
    const maskOf = (w: number | null): tf.Tensor => {
      const key = w !== null && w >= T ? null : w;
      let m = byWindow.get(key);
      if (m === undefined) byWindow.set(key, (m = tf.logicalAnd(keys, causalMask(T, key))));
      return m;
    };
    return { rope, masks: layers.map((_, l) => maskOf(windows[l] ?? null)) };
  }

  function layer(ctx: ExecutionContext, ly: LlamaLayer, x: tf.Tensor, mask: tf.Tensor, rope: { cos: tf.Tensor2D; sin: tf.Tensor2D }): tf.Tensor {
    const h = applyOp(ctx, 'RMSNorm', [x], ly.inNorm);
    const heads = (a: LinearAttrs, n: number) => applyOp(ctx, 'SplitHeads', [applyOp(ctx, 'Linear', [h], a)], { numHeads: n });
    const q = applyOp(ctx, 'RoPE', [heads(ly.q, nHeads)], rope);
    const k = applyOp(ctx, 'RepeatKV', [applyOp(ctx, 'RoPE', [heads(ly.k, nKv)], rope)], { repeats: nHeads / nKv });
    const v = applyOp(ctx, 'RepeatKV', [heads(ly.v, nKv)], { repeats: nHeads / nKv });
    const probs = applyOp(ctx, 'Softmax', [applyOp(ctx, 'MatMulQK', [q, k], { scale: 1 / Math.sqrt(D) })], { mask });
    const context = applyOp(ctx, 'MergeHeads', [applyOp(ctx, 'MatMulAV', [probs, v], {})], {});
    const y = applyOp(ctx, 'Add', [x, applyOp(ctx, 'Linear', [context], ly.o)], {});
    const h2 = applyOp(ctx, 'RMSNorm', [y], ly.postNorm);
    const gated = applyOp(ctx, 'GatedProduct', [
      applyOp(ctx, mlpAct, [applyOp(ctx, 'Linear', [h2], ly.gate)], {}),
      applyOp(ctx, 'Linear', [h2], ly.up),
    ], {});
    return applyOp(ctx, 'Add', [y, applyOp(ctx, 'Linear', [gated], ly.down)], {});
  }

  function hiddenStates(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor3D {
    const { rope, masks } = batchConstants(batch);
    let x = e;
    layers.forEach((ly, l) => (x = layer(ctx, ly, x, masks[l] as tf.Tensor, rope)));
    return applyOp(ctx, 'RMSNorm', [x], finalNorm) as tf.Tensor3D;
  }

  /** `features` as steps (XdaModel.stages): one per layer, the last with the final norm and the last-token read. */
  function stages(batch: PaddedBatch, output: 'features' | 'hidden' = 'features'): ReturnType<NonNullable<XdaModel['stages']>> {
    // Made outside any caller's tidy: keep only the constants themselves.
    const { rope, masks } = tf.tidy(() => batchConstants(batch));
    const steps: ((ctx: ExecutionContext, x: tf.Tensor) => tf.Tensor)[] = layers.map((ly, l) => (ctx: ExecutionContext, x: tf.Tensor) => layer(ctx, ly, x, masks[l] as tf.Tensor, rope));
    const lastStep = steps.pop();
    steps.push((ctx, x) => {
      const y = lastStep === undefined ? x : lastStep(ctx, x);
      const normed = applyOp(ctx, 'RMSNorm', [y], finalNorm);
      return output === 'hidden' ? normed : poolFeatures(ctx, normed, batch);
    });
    const B = batch.lengths.length;
    const T = batch.maxLen;
    // As the encoder's estimate: ~16 [B, T, H] tensors, ~4 [B, heads, T, T], ~4 [B, T, I] per layer.
    const perLayer = 4 * B * T * (16 * H + 4 * nHeads * T + 4 * I);
    return { steps, activationBytes: perLayer * layers.length, release: () => tf.dispose([rope.cos, rope.sin, ...new Set(masks)]) };
  }

  function poolFeatures(ctx: ExecutionContext, normed: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
    return applyOp(ctx, 'SelectToken', [normed], { index: batch.lengths.map((n) => n - 1) }) as tf.Tensor2D;
  }

  function features(ctx: ExecutionContext, e: tf.Tensor, batch: PaddedBatch): tf.Tensor2D {
    return poolFeatures(ctx, hiddenStates(ctx, e, batch), batch);
  }

  const all = (): tf.Tensor[] => {
    const ts: tf.Tensor[] = [finalNorm.weight];
    const push = (a: LinearAttrs) => ts.push(...linears.tensors(a));
    for (const ly of layers) {
      [ly.q, ly.k, ly.v, ly.o, ly.gate, ly.up, ly.down].forEach(push);
      ts.push(ly.inNorm.weight, ly.postNorm.weight);
    }
    if (head) push(head);
    return ts;
  };

  return {
    modelType: variant.modelType,
    featureSize: H,
    head,
    vocabSize: V,
    maxPositions: P,
    // The scaled rows are the tensor relevance is read at: scaling is linear, so a token keeps its share.
    embed: (batch) => (embedScale === 1 ? gatherRows(embed, batch.ids) : tf.tidy(() => tf.mul(gatherRows(embed, batch.ids), embedScale))),
    positionEmbeddings: () => undefined,
    features,
    hiddenStates,
    poolFeatures,
    stages,
    dispose: () => {
      all().forEach((t) => t.dispose());
      linears.release();
    },
  };
}

/** Llama's MLP activation: `config.hidden_act`, of which only "silu" is implemented. */
function llamaActivation(config: HfConfig): 'Silu' {
  const act = config['hidden_act'] ?? 'silu';
  if (act !== 'silu') throw new ModelWeightsError('config.hidden_act', `only "silu" is supported, got ${JSON.stringify(act)}`);
  return 'Silu';
}
