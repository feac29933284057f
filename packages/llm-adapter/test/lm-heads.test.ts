/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHeadConsistency, countTokenRows, createMemorySink, extractFeatures, loadCheckpoint, openModel, type FeatureForward } from '../src/index.js';
import { copyCheckpoint } from './assets.js';

/**
 * LM heads (issue 14 item 3). Causal: `LlamaForCausalLM` folders written by
 * tools/fixtures/model/make-tiny-causal-lm.py (Debian python3-torch) into a temp dir, untied
 * (`lm_head.weight`) and tied (no `lm_head.weight`, `tie_word_embeddings: true`). The torch parity
 * of features and next-token logits runs with the real built-in forward in
 * packages/cli/test/causal-lm.test.ts; here a deterministic stand-in forward checks the row and
 * label bookkeeping.
 */
const PY = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../../../tools/fixtures/model/make-tiny-causal-lm.py');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-adapter-clm-'));
  execFileSync(PY, [SCRIPT, dir], { stdio: 'pipe' });
}, 60_000);
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Loads folder `name` with `patch` merged into its config.json, expecting `error`; restores the file. */
async function expectRefusedWith(name: string, patch: Record<string, unknown>, error: RegExp): Promise<void> {
  const cfgPath = join(dir, name, 'config.json');
  const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as Record<string, unknown>;
  await writeFile(cfgPath, JSON.stringify({ ...cfg, ...patch }));
  try {
    await expect(loadCheckpoint(join(dir, name))).rejects.toThrow(error);
  } finally {
    await writeFile(cfgPath, JSON.stringify(cfg));
  }
}

/** hidden[b, t, j] = sin(id · (j + 1) + t): distinct per token and position, no weights needed. */
const standIn = (H: number): FeatureForward => ({
  name: 'stand-in',
  async run(batch) {
    const h = new Float32Array(batch.rows * batch.seqLen * H);
    for (let b = 0; b < batch.rows; b++) {
      for (let t = 0; t < batch.seqLen; t++) for (let j = 0; j < H; j++) h[(b * batch.seqLen + t) * H + j] = Math.sin(Number(batch.inputIds[b * batch.seqLen + t]!) * (j + 1) + t);
    }
    return { features: null, lastHiddenState: h };
  },
  release: () => undefined,
});

describe('LlamaForCausalLM checkpoints', () => {
  it('take lm_head.weight as the token head, with the vocabulary as classes and no sequence head', async () => {
    const c = await loadCheckpoint(join(dir, 'tiny-llama-clm'));
    expect(c.sequenceHead).toBeNull();
    expect(c.tokenHead).toMatchObject({ name: 'lm_head.weight', role: 'causal-lm' });
    expect(c.tokenHead!.tiedTo).toBeUndefined();
    expect(c.tokenHead!.weight.shape).toEqual([c.vocabSize, c.hiddenSize]);
    expect(c.classNames).toHaveLength(c.vocabSize);
    expect(new Set(c.classNames).size).toBe(c.vocabSize);
    const vocab = c.tokenizer.get_vocab();
    for (const [token, id] of vocab) expect(c.classNames[id]).toBe(token);
  });

  it('take the embedding as the head when tie_word_embeddings is true and lm_head.weight is absent', async () => {
    const c = await loadCheckpoint(join(dir, 'tiny-llama-clm-tied'));
    expect(c.weights.has('lm_head.weight')).toBe(false);
    expect(c.tokenHead).toMatchObject({ name: 'lm_head.weight', role: 'causal-lm', tiedTo: 'model.embed_tokens.weight' });
    // The tied head and the embedding are one array (the map holds the head's), not two copies.
    expect(c.tokenHead!.weight.data).toBe(c.weights.get('model.embed_tokens.weight')!.data);
  });

  it('refuse a missing untied lm_head, naming the parameter and the config field', async () => {
    const copy = join(dir, 'tiny-llama-clm-tied');
    const cfgPath = join(copy, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as Record<string, unknown>;
    await writeFile(cfgPath, JSON.stringify({ ...cfg, tie_word_embeddings: false }));
    try {
      await expect(loadCheckpoint(copy)).rejects.toThrow(/"LlamaForCausalLM" needs its LM head "lm_head.weight", which is missing, and config.json field "tie_word_embeddings" is not true/);
    } finally {
      await writeFile(cfgPath, JSON.stringify(cfg));
    }
  });

  it('give one row per token but the last, labelled with the next token id; no logits unless asked', async () => {
    const m = await openModel(join(dir, 'tiny-llama-clm'), { forward: (c) => standIn(c.hiddenSize) });
    const texts = ['free money now', 'ok', 'win a free cruise today'];
    const r = await m.embed(texts, { head: 'token', batchSize: 2 });
    const enc = texts.map((t) => m.checkpoint.tokenizer.encode(t));
    expect(r.rows).toBe(enc.reduce((a, ids) => a + ids.length - 1, 0));
    expect(r.logits).toBeNull();
    let row = 0;
    for (const [i, ids] of enc.entries()) {
      for (let t = 0; t + 1 < ids.length; t++, row++) {
        expect([r.tokenOffsets![2 * row], r.tokenOffsets![2 * row + 1], r.tokenIds![row], r.lmLabels![row]]).toEqual([i, t, ids[t], ids[t + 1]]);
      }
    }
    const withLogits = await m.embed(texts, { head: 'token', lmLogits: true });
    expect(withLogits.numOutputs).toBe(m.checkpoint.vocabSize);
    // The LM head passes the cache-time consistency check against itself (K = vocabulary) ...
    expect(checkHeadConsistency({ dir, output: 'last_hidden_state', head: m.checkpoint.tokenHead!, features: withLogits.features, logits: withLogits.logits!, rows: withLogits.rows })).toBeLessThan(1e-6);
    // ... and a feature row of another position is caught, naming the LM head.
    const shifted = withLogits.features.slice(m.checkpoint.hiddenSize);
    expect(() => checkHeadConsistency({ dir, output: 'last_hidden_state', head: m.checkpoint.tokenHead!, features: shifted, logits: withLogits.logits!.subarray(0, shifted.length / m.checkpoint.hiddenSize * m.checkpoint.vocabSize), rows: withLogits.rows - 1 })).toThrow(/head "lm_head"/);
    await m.release();
  });

  it('extract a token store whose rows match countTokenRows, ignoring the corpus labels', async () => {
    const m = await openModel(join(dir, 'tiny-llama-clm-tied'), { forward: (c) => standIn(c.hiddenSize) });
    const corpus = [
      { id: 'a', text: 'free money now', label: 'spam' },
      { id: 'b', text: 'ok', label: 7 },
      { id: 'c', text: 'win a free cruise today', label: 'ham' },
    ];
    const counted = await countTokenRows(m, corpus);
    const sink = createMemorySink();
    const res = await extractFeatures(m, corpus, sink, { head: 'token', totalRows: 3, chunkRows: 2, textRowStarts: counted.rowStarts });
    expect(res.rowsWritten).toBe(counted.tokens);
    expect(sink.info!.numOutputs).toBe(0);
    expect(sink.info!.classNames).toHaveLength(m.checkpoint.vocabSize);
    const batch = [...sink.chunks.values()].flatMap((c) => Array.from(c.batch.labels));
    const ids = [...sink.chunks.values()].flatMap((c) => c.batch.ids);
    const enc = corpus.map((r) => m.checkpoint.tokenizer.encode(r.text));
    expect(ids).toEqual(corpus.flatMap((r, i) => enc[i]!.slice(0, -1).map((_, t) => `${r.id}#${t}`)));
    expect(batch).toEqual(enc.flatMap((e) => e.slice(1)));
    await m.release();
  });
});

describe('*ForMaskedLM checkpoints', () => {
  beforeAll(() => {
    execFileSync(PY, [resolve(import.meta.dirname, '../../../tools/fixtures/model/make-tiny-masked-lm.py'), dir], { stdio: 'pipe' });
  }, 60_000);

  it('BertForMaskedLM: the decoder (tied to the word embeddings) with its transform is the token head', async () => {
    const c = await loadCheckpoint(join(dir, 'tiny-bert-mlm'));
    expect(c.sequenceHead).toBeNull();
    expect(c.tokenHead).toMatchObject({ name: 'cls.predictions.decoder.weight', role: 'masked-lm', tiedTo: 'bert.embeddings.word_embeddings.weight' });
    expect(c.tokenHead!.bias).toEqual(c.weights.get('cls.predictions.bias')!.data);
    expect(c.tokenHead!.transform).toMatchObject({ name: 'cls.predictions.transform', eps: 1e-12 });
    expect(c.classNames).toHaveLength(c.vocabSize);
    // Only exact GELU is implemented for the transform: another activation is refused by field.
    await expectRefusedWith('tiny-bert-mlm', { hidden_act: 'gelu_new' }, /field "hidden_act": the masked-LM transform "cls.predictions.transform" is implemented with "gelu" \(exact\) only, got "gelu_new"/);
  });

  it.each([
    // [folder, decoder, its bias, tied embedding, transform, eps]
    ['tiny-roberta-mlm', 'lm_head.decoder.weight', 'lm_head.bias', 'roberta.embeddings.word_embeddings.weight', 'lm_head', 1e-5],
    ['tiny-distilbert-mlm', 'vocab_projector.weight', 'vocab_projector.bias', 'distilbert.embeddings.word_embeddings.weight', 'vocab_transform', 1e-12],
  ] as const)('%s: the tied decoder with its transform is the token head', async (name, decoder, bias, tiedTo, transform, eps) => {
    const c = await loadCheckpoint(join(dir, name));
    expect(c.sequenceHead).toBeNull();
    expect(c.tokenHead).toMatchObject({ name: decoder, role: 'masked-lm', tiedTo });
    expect(c.tokenHead!.bias).toEqual(c.weights.get(bias)!.data);
    expect(c.tokenHead!.transform).toMatchObject({ name: transform, eps });
  });

  it('DistilBERT\'s transform activation is config.activation: relu is refused by field', async () => {
    await expectRefusedWith('tiny-distilbert-mlm', { activation: 'relu' }, /field "activation": the masked-LM transform "vocab_transform" is implemented with "gelu" \(exact\) only, got "relu"/);
  });

  it('a family without a masked-LM head (Llama) is refused by name', async () => {
    const copy = await copyCheckpoint('tiny-llama');
    const cfgPath = join(copy, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as Record<string, unknown>;
    await writeFile(cfgPath, JSON.stringify({ ...cfg, architectures: ['LlamaForMaskedLM'] }));
    await expect(loadCheckpoint(copy)).rejects.toThrow(/architecture "LlamaForMaskedLM" is not supported: the llama descriptor names no masked-LM head/);
    await rm(copy, { recursive: true, force: true });
  });
});

describe('Mistral, Qwen2 and Gemma causal LMs', () => {
  it.each(['mistral', 'qwen2', 'gemma'])('%s reuses the Llama LM head resolution', async (modelType) => {
    const copy = await mkdtemp(join(tmpdir(), `llm-adapter-${modelType}-clm-`));
    await cp(join(dir, 'tiny-llama-clm-tied'), copy, { recursive: true });
    const cfgPath = join(copy, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as Record<string, unknown>;
    const arch = { mistral: 'MistralForCausalLM', qwen2: 'Qwen2ForCausalLM', gemma: 'GemmaForCausalLM' }[modelType]!;
    await writeFile(cfgPath, JSON.stringify({ ...cfg, model_type: modelType, architectures: [arch] }));
    const c = await loadCheckpoint(copy);
    expect(c.tokenHead).toMatchObject({ name: 'lm_head.weight', role: 'causal-lm', tiedTo: 'model.embed_tokens.weight' });
    await rm(copy, { recursive: true, force: true });
  });
});
