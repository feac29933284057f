/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openFeatureStore } from '@dualxda/core';
import { openModel } from '@dualxda/llm-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { openFeatureModel } from '../src/lib/open-feature-model.js';
import { run } from './helpers.js';

/**
 * Issue 14 item 2: cache → fit → explain → xda on RoBERTa and DistilBERT checkpoints without
 * onnx/ (assets/tiny-{roberta,distilbert}: a plain save_pretrained folder, random weights, 3
 * classes), so the features come from XDA's tfjs forward. The stored logits are checked against
 * the torch reference of the same texts (reference.json, tools/fixtures/model/make-tiny-encoders.py).
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-encoders-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const rows = lines.slice(0, 24).map((l, i) => ({ ...(JSON.parse(l) as object), label: i % 3 }));
  await writeFile(join(dir, 'small.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface RefCase { text: string; logits: number[] }

describe.each(['tiny-roberta', 'tiny-distilbert'])('dualxda on %s without onnx/', (name) => {
  const model = embeddedModelDir(name);
  const store = () => join(dir, `${name}.zarr`);

  it('caches the torch logits of the reference texts on the built-in forward', async () => {
    const ref = JSON.parse(await readFile(join(model, 'reference.json'), 'utf8')) as { cases: RefCase[] };
    const refFile = join(dir, `${name}-ref.jsonl`);
    await writeFile(refFile, ref.cases.map((c, i) => JSON.stringify({ id: `r${i}`, text: c.text, label: 0 })).join('\n'));
    const out = join(dir, `${name}-ref.zarr`);
    const r = await run(['cache', '--model', model, '--data', refFile, '--out', out, '--json', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = await openFeatureStore(out);
    const logits = await s.readLogits(0, ref.cases.length);
    ref.cases.forEach((c, i) => c.logits.forEach((v, k) => expect(Math.abs(logits![i * 3 + k]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v)))));
  });

  it('cache, fit, explain and xda run end to end', async () => {
    const cached = await run(['cache', '--model', model, '--data', join(dir, 'small.jsonl'), '--out', store(), '--json', '--quiet'], dir);
    expect(cached.code, cached.stderr).toBe(0);
    expect(JSON.parse(cached.stdout)).toMatchObject({ rows: 24, dim: 16 });
    const fit = await run(['fit', store(), '--C', '0.5', '--json', '--quiet'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    const ex = await run(['explain', store(), '--test', store(), '--top-k', '1', '--limit', '1', '--json', '--quiet'], dir);
    expect(ex.code, ex.stderr).toBe(0);
    const [pred] = JSON.parse(ex.stdout) as { id: string; proponents: { id: string; score: number }[] }[];
    const xda = await run(['xda', store(), '--test-store', store(), '--test', pred!.id, '--top-k', '1', '--json', '--quiet'], dir);
    expect(xda.code, xda.stderr).toBe(0);
    const pairs = JSON.parse(xda.stdout) as { kind: string; pair: { attribution: number; test: { tokens: string[] } } }[];
    const top = pairs.find((p) => p.kind === 'proponent');
    expect(top).toBeDefined();
    // XDA recomputes the features: its α·⟨f_test, f_train⟩ is DualDA's score for the pair.
    expect(top!.pair.attribution).toBeCloseTo(pred!.proponents[0]!.score, 4);
    expect(top!.pair.test.tokens.length).toBeGreaterThan(2);
  });
});

describe('with an ONNX graph of the same weights (exported by tools/fixtures/model/make-tiny-encoders.py)', () => {
  let copies: string;
  beforeAll(() => {
    copies = join(dir, 'onnx-copies');
    const script = resolve(import.meta.dirname, '../../../tools/fixtures/model/make-tiny-encoders.py');
    execFileSync('/usr/bin/python3', [script, '--onnx-copies', copies], { stdio: 'pipe' });
  }, 120_000);

  it.each(['tiny-roberta', 'tiny-distilbert'])('%s: onnxruntime and the built-in forward agree to 1e-5 (sequence and token rows)', async (name) => {
    const texts = ['free money now, claim your prize', 'see you at lunch tomorrow', 'ok', 'Subject: Re: New Sequences Window | I cannot reproduce this'];
    const [onnx, builtin] = await Promise.all([openModel(join(copies, name)), openFeatureModel(embeddedModelDir(name))]);
    try {
      expect([onnx.runner.kind, builtin.runner.kind]).toEqual(['onnx', 'builtin']);
      for (const head of ['sequence', 'token'] as const) {
        // The ONNX sequence path also runs the cache-time check logits ≈ features·Wᵀ + b.
        const [a, b] = [await onnx.embed(texts, { head, batchSize: 4 }), await builtin.embed(texts, { head, batchSize: 4 })];
        expect(a.rows).toBe(b.rows);
        const scale = Math.max(...Array.from(a.features, Math.abs));
        const err = Math.max(...Array.from(a.features, (v, i) => Math.abs(v - b.features[i]!)));
        expect(err / scale, head).toBeLessThan(1e-5);
        if (head === 'sequence') Array.from(a.logits!).forEach((v, i) => expect(Math.abs(v - b.logits![i]!)).toBeLessThan(1e-5));
      }
    } finally {
      await Promise.all([onnx.release(), builtin.release()]);
    }
  });
});
