import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openFeatureStore } from '@dualxda/core';
import { maxScaledError } from '@dualxda/core/testing';
import { openModel, type EmbedResult, type FeatureModel } from '@dualxda/llm-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { openFeatureModel } from '../src/lib/open-feature-model.js';
import { run } from './helpers.js';

/**
 * Issue 14 item 1: a checkpoint folder without onnx/model.onnx runs on XDA's tfjs forward, with the
 * ONNX graph's features and logits to 1e-4. Error = max |builtin − onnx| / max |onnx| over the array
 * (relative to its scale, so near-zero entries do not dominate).
 */
const REL = 1e-4;
function relError(a: ArrayLike<number> | null, b: ArrayLike<number> | null): number {
  // No logits on either side (a BERT sequence classifier has no token head) agree.
  return a === null && b === null ? 0 : maxScaledError(a, b);
}

let tmp: string;
let texts: string[];
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dualxda-no-onnx-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'test.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  texts = lines.slice(0, 12).map((l) => (JSON.parse(l) as { text: string }).text);
  await writeFile(join(tmp, 'small.jsonl'), lines.slice(0, 12).map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), id: `t${i}`, label: 0 })).join('\n'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The checkpoint copied without its onnx/ folder: what `save_pretrained` writes. */
async function withoutOnnx(name: string, copyName = name): Promise<string> {
  const dir = join(tmp, copyName);
  const graph = join(embeddedModelDir(name), 'onnx');
  await cp(embeddedModelDir(name), dir, { recursive: true, filter: (src) => src !== graph });
  return dir;
}

describe.each(['tiny-bert', 'tiny-llama', 'spam-bert'])('%s without onnx/model.onnx', (name) => {
  let dir: string;
  let builtin: FeatureModel;
  let onnx: FeatureModel;
  beforeAll(async () => {
    dir = await withoutOnnx(name);
    [builtin, onnx] = await Promise.all([openFeatureModel(dir), openModel(embeddedModelDir(name))]);
  });
  afterAll(async () => {
    await Promise.all([builtin.release(), onnx.release()]);
  });

  it('runs the built-in tfjs forward; the same folder with its graph runs ONNX', async () => {
    expect(builtin.runner.kind).toBe('builtin');
    expect(builtin.runner.executionProvider).toBe('tfjs-wasm');
    const withGraph = await openFeatureModel(embeddedModelDir(name));
    expect(withGraph.runner.kind).toBe('onnx');
    await withGraph.release();
  });

  it.each(['sequence', 'token'] as const)('gives the ONNX %s features and logits to 1e-4 (mixed lengths in a batch)', async (head) => {
    const opts = { head, batchSize: 4, maxLength: 48 };
    const [a, b]: EmbedResult[] = [await builtin.embed(texts, opts), await onnx.embed(texts, opts)];
    expect(a.rows).toBe(b.rows);
    expect(b.features.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(relError(a.features, b.features)).toBeLessThanOrEqual(REL);
    expect(relError(a.logits, b.logits)).toBeLessThanOrEqual(REL);
  });
});

describe('dualxda cache on a folder without onnx/model.onnx', () => {
  it('writes the features and logits of the store cached with the graph, to 1e-4', async () => {
    const dir = await withoutOnnx('spam-bert', 'spam-bert-cli');
    const stores: string[] = [];
    for (const [model, out] of [[dir, 'builtin.zarr'], [embeddedModelDir('spam-bert'), 'onnx.zarr']] as const) {
      const r = await run(['cache', '--model', model, '--data', join(tmp, 'small.jsonl'), '--out', join(tmp, out), '--json', '--quiet'], tmp);
      expect(r.code, r.stderr).toBe(0);
      stores.push(join(tmp, out));
    }
    const [a, b] = [await openFeatureStore(join(tmp, 'builtin.zarr')), await openFeatureStore(join(tmp, 'onnx.zarr'))];
    expect(stores).toHaveLength(2);
    expect(a.manifest.modelHash).toBe(b.manifest.modelHash);
    const [ra, rb] = [await a.readRows(0, 12), await b.readRows(0, 12)];
    expect(relError(ra.features, rb.features)).toBeLessThanOrEqual(REL);
    expect(relError(await a.readLogits(0, 12), await b.readLogits(0, 12))).toBeLessThanOrEqual(REL);
    expect(await a.readIds(0, 12)).toEqual(await b.readIds(0, 12));
  });
});

describe('sharded and float16 save_pretrained folders without onnx/model.onnx', () => {
  // Variants of tiny-llama written by the loader tests' generator (numpy), then stripped of onnx/.
  let variants: string;
  beforeAll(async () => {
    variants = join(tmp, 'variants');
    const script = resolve(import.meta.dirname, '../../../tools/fixtures/model/make-checkpoint-variants.py');
    execFileSync('/usr/bin/python3', [script, embeddedModelDir('tiny-llama'), variants], { stdio: 'pipe' });
    for (const v of ['sharded', 'fp16']) await rm(join(variants, v, 'onnx'), { recursive: true });
  }, 60_000);

  it('run on the built-in forward: sharded to 1e-4 of the ONNX features, float16 weights to their rounding', async () => {
    const onnx = await openModel(embeddedModelDir('tiny-llama'));
    const ref = await onnx.embed(texts, { batchSize: 4, maxLength: 48 });
    await onnx.release();
    for (const [v, tol] of [['sharded', REL], ['fp16', 1e-2]] as const) {
      const model = await openFeatureModel(join(variants, v));
      expect(model.runner.kind).toBe('builtin');
      const got = await model.embed(texts, { batchSize: 4, maxLength: 48 });
      await model.release();
      const err = relError(got.features, ref.features);
      expect(err, v).toBeLessThanOrEqual(tol);
      if (v === 'fp16') expect(err, 'float16 weights must change the features a little').toBeGreaterThan(0);
      expect(relError(got.logits, ref.logits), v).toBeLessThanOrEqual(tol);
    }
  });
});
