/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XdaPair } from '@dualxda/core';
import { embeddedCorpusDir } from '../src/lib/assets.js';
import type { ExplainedPrediction } from '../src/steps/explain-tests.js';
import { run } from './helpers.js';

/**
 * cache -> fit -> explain -> xda on Mistral, Qwen2 and Gemma `save_pretrained`-style folders without
 * onnx/ (the built-in forward), written by tools/fixtures/model/make-llama-variant-checkpoints.py
 * (random weights, sliding windows of 6 tokens, 3 classes) into a temp dir; needs Debian's python3-torch.
 */
const PY = '/usr/bin/python3';
let dir: string;

async function slice(split: 'train' | 'test', n: number): Promise<void> {
  const lines = (await readFile(join(embeddedCorpusDir(), `${split}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const step = Math.floor(lines.length / n);
  const rows = Array.from({ length: n }, (_, i) => ({ ...(JSON.parse(lines[i * step]!) as object), label: i % 3 }));
  await writeFile(join(dir, `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-llama-variants-'));
  const script = resolve(import.meta.dirname, '../../../tools/fixtures/model/make-llama-variant-checkpoints.py');
  execFileSync(PY, [script, dir], { stdio: 'pipe' });
  await slice('train', 24);
  await slice('test', 3);
}, 60_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe.each(['tiny-mistral', 'tiny-qwen2', 'tiny-gemma'])('dualxda end to end on %s without onnx/', (name) => {
  it('caches, fits, explains and computes XDA consistently with the store', async () => {
    const model = join(dir, name);
    expect(await readdir(model)).not.toContain('onnx');
    for (const split of ['train', 'test']) {
      const r = await run(['cache', '--model', model, '--data', `${split}.jsonl`, '--out', `${name}-${split}`, '--json', '--quiet'], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    const fit = await run(['fit', `${name}-train`, '--C', '0.1', '--json', '--quiet'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    expect(JSON.parse(fit.stdout)).toMatchObject({ classes: 3, converged: true });
    const ex = await run(['explain', `${name}-train`, '--test', `${name}-test`, '--top-k', '2', '--json', '--quiet'], dir);
    expect(ex.code, ex.stderr).toBe(0);
    const predictions = JSON.parse(ex.stdout) as ExplainedPrediction[];
    expect(predictions).toHaveLength(3);
    const target = predictions.find((p) => p.proponents.length > 0)!;
    const xda = await run(['xda', `${name}-train`, '--model', model, '--test-store', `${name}-test`, '--test', target.id, '--json'], dir);
    expect(xda.code, xda.stderr).toBe(0);
    const pairs = JSON.parse(xda.stdout) as { kind: string; train: { id: string }; pair: XdaPair }[];
    const top = pairs.find((p) => p.kind === 'proponent')!;
    expect(top.train.id).toBe(target.proponents[0]!.id);
    // XDA's α·⟨f_test, f_train⟩ from its own forward equals the DualDA score from the store's features.
    expect(Math.abs(top.pair.attribution - target.proponents[0]!.score)).toBeLessThan(1e-3 * Math.abs(target.proponents[0]!.score) + 1e-6);
    expect(top.pair.test.scores.some((s) => s !== 0)).toBe(true);
  }, 120_000);
});
