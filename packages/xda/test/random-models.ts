/** Seeded random HF-layout weights for fast tests that need no fixture file. */
import type { HfConfig, WeightEntry } from '../src/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function filler(seed: number) {
  const r = rng(seed);
  const map = new Map<string, WeightEntry>();
  const put = (name: string, shape: number[], scale = 0.5, offset = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    map.set(name, { shape, data: Float32Array.from({ length: n }, () => offset + scale * r()) });
  };
  return { map, put };
}

export const TINY_BERT_CONFIG: HfConfig = {
  model_type: 'bert', hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 16,
  vocab_size: 30, max_position_embeddings: 16, type_vocab_size: 2, layer_norm_eps: 1e-12, hidden_act: 'gelu',
};

export function tinyBertWeights(seed = 1): Map<string, WeightEntry> {
  const { map, put } = filler(seed);
  const H = 8, I = 16;
  put('bert.embeddings.word_embeddings.weight', [30, H], 1);
  put('bert.embeddings.position_embeddings.weight', [16, H], 0.2);
  put('bert.embeddings.token_type_embeddings.weight', [2, H], 0.2);
  const ln = (p: string) => { put(`${p}.weight`, [H], 0.2, 1); put(`${p}.bias`, [H], 0.1); };
  const lin = (p: string, o: number, i: number) => { put(`${p}.weight`, [o, i], 1.2 / Math.sqrt(i)); put(`${p}.bias`, [o], 0.1); };
  ln('bert.embeddings.LayerNorm');
  for (let l = 0; l < 2; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const n of ['query', 'key', 'value']) lin(`${p}attention.self.${n}`, H, H);
    lin(`${p}attention.output.dense`, H, H);
    ln(`${p}attention.output.LayerNorm`);
    lin(`${p}intermediate.dense`, I, H);
    lin(`${p}output.dense`, H, I);
    ln(`${p}output.LayerNorm`);
  }
  lin('bert.pooler.dense', H, H);
  lin('classifier', 3, H);
  return map;
}

export const TINY_LLAMA_CONFIG: HfConfig = {
  model_type: 'llama', hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  intermediate_size: 16, vocab_size: 30, max_position_embeddings: 32, rms_norm_eps: 1e-6, rope_theta: 10000, hidden_act: 'silu',
};

export function tinyLlamaWeights(seed = 2): Map<string, WeightEntry> {
  const { map, put } = filler(seed);
  const H = 8, I = 16, D = 2;
  put('model.embed_tokens.weight', [30, H], 1);
  const lin = (p: string, o: number, i: number) => put(`${p}.weight`, [o, i], 1.2 / Math.sqrt(i));
  for (let l = 0; l < 2; l++) {
    const p = `model.layers.${l}.`;
    put(`${p}input_layernorm.weight`, [H], 0.2, 1);
    put(`${p}post_attention_layernorm.weight`, [H], 0.2, 1);
    lin(`${p}self_attn.q_proj`, 4 * D, H);
    lin(`${p}self_attn.k_proj`, 2 * D, H);
    lin(`${p}self_attn.v_proj`, 2 * D, H);
    lin(`${p}self_attn.o_proj`, H, 4 * D);
    lin(`${p}mlp.gate_proj`, I, H);
    lin(`${p}mlp.up_proj`, I, H);
    lin(`${p}mlp.down_proj`, H, I);
  }
  put('model.norm.weight', [H], 0.2, 1);
  lin('score', 3, H);
  return map;
}
