/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDualDAModel, openFeatureStore, type XdaPair } from '@dualxda/core';
import { embeddedCorpusDir } from '../src/lib/assets.js';
import { openFeatureModel } from '../src/lib/open-feature-model.js';
import type { ExplainedPrediction } from '../src/steps/explain-tests.js';
import { run } from './helpers.js';

/**
 * LM heads end to end (issue 14 item 3): tiny `LlamaForCausalLM` folders (untied
 * `lm_head.weight`, and tied to the embedding) written by
 * tools/fixtures/model/make-tiny-causal-lm.py with a torch reference of every position's hidden
 * state and next-token logits, and tiny `BertForMaskedLM`, `RobertaForMaskedLM` and
 * `DistilBertForMaskedLM` folders (tools/fixtures/model/make-tiny-masked-lm.py, reference: transform
 * outputs and logits), including XDA of their token rows. Debian python3-torch; a temp dir, nothing committed.
 */
const PY = '/usr/bin/python3';
const REL = 1e-4;
let dir: string;

interface LmCase {
  text: string;
  input_ids: number[];
  hidden: number[];
  next_token_logits: number[];
}

/** max |a − b| / max |b| over the array. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || b.length === 0) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

async function slice(split: 'train' | 'test', n: number, chars: number): Promise<void> {
  const lines = (await readFile(join(embeddedCorpusDir(), `${split}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const rows = lines.slice(0, n).map((l, i) => {
    const r = JSON.parse(l) as { text: string; label: number };
    return { id: `${split.slice(0, 2)}${i}`, text: r.text.slice(0, chars), label: r.label };
  });
  await writeFile(join(dir, `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-causal-lm-'));
  execFileSync(PY, [resolve(import.meta.dirname, '../../../tools/fixtures/model/make-tiny-causal-lm.py'), dir], { stdio: 'pipe' });
  await slice('train', 40, 120);
  await slice('test', 3, 80);
}, 60_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe.each(['tiny-llama-clm', 'tiny-llama-clm-tied'])('%s on the built-in forward', (name) => {
  it('gives torch\'s hidden states and next-token logits to 1e-4, one row per token but the last', async () => {
    const ref = JSON.parse(await readFile(join(dir, name, 'lm-reference.json'), 'utf8')) as { cases: LmCase[]; hidden_size: number; vocab_size: number };
    const m = await openFeatureModel(join(dir, name));
    try {
      const H = ref.hidden_size;
      const V = ref.vocab_size;
      const r = await m.embed(ref.cases.map((c) => c.text), { head: 'token', lmLogits: true, batchSize: 3 });
      expect(r.numOutputs).toBe(V);
      let row = 0;
      for (const c of ref.cases) {
        const L = c.input_ids.length;
        expect(Array.from(r.tokenIds!.subarray(row, row + L - 1))).toEqual(c.input_ids.slice(0, -1));
        expect(Array.from(r.lmLabels!.subarray(row, row + L - 1))).toEqual(c.input_ids.slice(1));
        expect(relError(r.features.subarray(row * H, (row + L - 1) * H), c.hidden.slice(0, (L - 1) * H))).toBeLessThan(REL);
        expect(relError(r.logits!.subarray(row * V, (row + L - 1) * V), c.next_token_logits.slice(0, (L - 1) * V))).toBeLessThan(REL);
        row += L - 1;
      }
      expect(row).toBe(r.rows);
    } finally {
      await m.release();
    }
  }, 60_000);
});

describe('dualxda on a causal LM (class = next token, K = vocabulary)', () => {
  it('caches token rows without logits, fits over a candidate set, explains and runs XDA on a token row id', async () => {
    const model = join(dir, 'tiny-llama-clm');
    for (const split of ['train', 'test']) {
      const r = await run(['cache', '--model', model, '--data', `${split}.jsonl`, '--out', `lm-${split}`, '--head', 'token', '--json', '--quiet'], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    const store = await openFeatureStore(join(dir, 'lm-train'));
    const vocab = (JSON.parse(await readFile(join(model, 'lm-reference.json'), 'utf8')) as { vocab_size: number }).vocab_size;
    expect(store.manifest.head).toBe('token');
    expect(store.manifest.classNames).toHaveLength(vocab);
    // No n × vocabulary logits in the store.
    expect(store.logitsDim).toBe(0);
    const labels = await store.readLabels();
    const ids = await store.readIds(0, store.rows);
    expect(ids[0]).toBe('tr0#0');

    // Without a candidate set the tiny vocabulary would fit; --classes top:20 keeps the 20 most frequent next tokens.
    const fit = await run(['fit', 'lm-train', '--classes', 'top:20', '--C', '0.1', '--json', '--quiet'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    const summary = JSON.parse(fit.stdout) as { classes: number; rows: number; candidateClasses: { rule: string; storeClasses: number; rowsDropped: number } };
    const fitted = await loadDualDAModel(join(dir, 'lm-train'));
    expect(summary.classes).toBe(20);
    expect(fitted.classIds).toHaveLength(20);
    const inSet = new Set(fitted.classIds);
    const kept = Array.from(labels).filter((y) => inSet.has(y)).length;
    expect(summary).toMatchObject({ rows: kept, candidateClasses: { rule: 'top:20', storeClasses: vocab, rowsDropped: store.rows - kept } });
    expect(fitted.classNames).toEqual(fitted.classIds!.map((c) => store.manifest.classNames[c]));
    // Support vectors point at store rows whose label is a candidate class.
    for (const i of fitted.svIndices) expect(inSet.has(labels[i]!)).toBe(true);
    expect(fitted.svIds).toEqual(Array.from(fitted.svIndices, (i) => ids[i]));

    // explain --text knows the network's next-token prediction (its logits are computed for these rows).
    const text = await run(['explain', 'lm-train', '--text', 'free money now, click the link to win', '--top-k', '1', '--json', '--quiet'], dir);
    expect(text.code, text.stderr).toBe(0);
    const typed = JSON.parse(text.stdout) as ExplainedPrediction[];
    expect(typed[0]!.id).toBe('text-0#0');
    for (const p of typed) {
      if (p.outsideCandidates === undefined) expect(p.predictedBy).toBe('model');
      else expect([p.predictedBy, inSet.has(p.outsideCandidates.classId)]).toEqual(['surrogate', false]);
    }

    const ex = await run(['explain', 'lm-train', '--test', 'lm-test', '--top-k', '2', '--json', '--quiet'], dir);
    expect(ex.code, ex.stderr).toBe(0);
    const predictions = JSON.parse(ex.stdout) as ExplainedPrediction[];
    const target = predictions.find((p) => p.id.endsWith('#3') && p.proponents.length > 0) ?? predictions.find((p) => p.proponents.length > 0)!;
    expect(target.proponents[0]!.labelName).toBe(store.manifest.classNames[target.proponents[0]!.label]);
    const xda = await run(['xda', 'lm-train', '--model', model, '--test-store', 'lm-test', '--test', target.id, '--json'], dir);
    expect(xda.code, xda.stderr).toBe(0);
    const pairs = JSON.parse(xda.stdout) as { kind: string; train: { id: string }; pair: XdaPair }[];
    const top = pairs.find((p) => p.kind === 'proponent')!;
    expect(top.train.id).toBe(target.proponents[0]!.id);
    // XDA's α·⟨f_test, f_train⟩ from its own forward equals the DualDA score from the stored features.
    expect(Math.abs(top.pair.attribution - target.proponents[0]!.score)).toBeLessThan(1e-3 * Math.abs(target.proponents[0]!.score) + 1e-6);
  }, 180_000);

  it('refuses --classes naming no class of the store, and a candidate set in block mode', async () => {
    await writeFile(join(dir, 'bad-classes.txt'), '3\nno-such-token\n');
    const bad = await run(['fit', 'lm-train', '--classes', 'bad-classes.txt'], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/bad-classes\.txt: entry 2 \("no-such-token"\) is not a class of the store/);
    const block = await run(['fit', 'lm-train', '--classes', 'labels', '--mode', 'block'], dir);
    expect(block.stderr).toMatch(/--classes needs the in-memory solver/);
  }, 60_000);
});

describe('*ForMaskedLM folders (make-tiny-masked-lm.py)', () => {
  beforeAll(() => {
    execFileSync(PY, [resolve(import.meta.dirname, '../../../tools/fixtures/model/make-tiny-masked-lm.py'), dir], { stdio: 'pipe' });
  }, 60_000);

  describe.each([
    // [folder, the transform (the store's feature layer)]
    ['tiny-bert-mlm', 'cls.predictions.transform'],
    ['tiny-roberta-mlm', 'lm_head'],
    ['tiny-distilbert-mlm', 'vocab_transform'],
  ] as const)('%s on the built-in forward', (name, layer) => {
    interface MlmCase {
      text: string;
      input_ids: number[];
      features: number[];
      logits: number[];
    }

    it('gives torch\'s transform outputs and logits to 1e-4, labelled with the tokens themselves', async () => {
      const ref = JSON.parse(await readFile(join(dir, name, 'mlm-reference.json'), 'utf8')) as { cases: MlmCase[]; hidden_size: number; vocab_size: number };
      const m = await openFeatureModel(join(dir, name));
      try {
        const H = ref.hidden_size;
        const V = ref.vocab_size;
        const r = await m.embed(ref.cases.map((c) => c.text), { head: 'token', lmLogits: true, batchSize: 2 });
        let row = 0;
        for (const c of ref.cases) {
          const L = c.input_ids.length;
          expect(Array.from(r.lmLabels!.subarray(row, row + L))).toEqual(c.input_ids);
          expect(relError(r.features.subarray(row * H, (row + L) * H), c.features)).toBeLessThan(REL);
          expect(relError(r.logits!.subarray(row * V, (row + L) * V), c.logits)).toBeLessThan(REL);
          row += L;
        }
        expect(row).toBe(r.rows);
      } finally {
        await m.release();
      }
    }, 60_000);

    it('caches (layer = the transform), fits over the labels present, explains, and runs XDA on a token row (pair score = stored kernel)', async () => {
      const model = join(dir, name);
      for (const split of ['train', 'test']) {
        const r = await run(['cache', '--model', model, '--data', `${split}.jsonl`, '--out', `${name}-${split}`, '--head', 'token', '--json', '--quiet'], dir);
        expect(r.code, r.stderr).toBe(0);
      }
      const store = await openFeatureStore(join(dir, `${name}-train`));
      expect([store.manifest.layer, store.logitsDim]).toEqual([layer, 0]);
      const fit = await run(['fit', `${name}-train`, '--classes', 'labels', '--C', '0.1', '--json', '--quiet'], dir);
      expect(fit.code, fit.stderr).toBe(0);
      expect(JSON.parse(fit.stdout)).toMatchObject({ rows: store.rows, candidateClasses: { rule: 'labels', rowsDropped: 0 } });
      const ex = await run(['explain', `${name}-train`, '--test', `${name}-test`, '--top-k', '1', '--json', '--quiet'], dir);
      expect(ex.code, ex.stderr).toBe(0);
      const predictions = JSON.parse(ex.stdout) as ExplainedPrediction[];
      const target = predictions.find((p) => p.proponents.length > 0)!;
      const xda = await run(['xda', `${name}-train`, '--model', model, '--test-store', `${name}-test`, '--test', target.id, '--train', target.proponents[0]!.id, '--json'], dir);
      expect(xda.code, xda.stderr).toBe(0);
      const pairs = JSON.parse(xda.stdout) as { train: { id: string }; pair: XdaPair }[];
      expect(pairs).toHaveLength(1);
      const pair = pairs[0]!.pair;
      expect(pairs[0]!.train.id).toBe(target.proponents[0]!.id);
      // XDA's α·⟨t_test, t_train⟩ through the transform equals the DualDA score from the stored transform outputs.
      expect(Math.abs(pair.attribution - target.proponents[0]!.score)).toBeLessThan(1e-3 * Math.abs(target.proponents[0]!.score) + 1e-6);
      const tokenSum = pair.budget.test.tokenSum + Object.values(pair.budget.test.absorbed).reduce((a, b) => a + b, 0);
      expect(Math.abs(tokenSum - pair.explained)).toBeLessThan(1e-3 * Math.abs(pair.explained) + 1e-6);
    }, 180_000);
  });
});
