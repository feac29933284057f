import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { maxScaledError } from '@dualxda/core/testing';
import { openModel, type EmbedResult } from '@dualxda/llm-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xdaFeatureForward } from '../src/xda-forward.js';

/**
 * Issue 14 item 1: the export recipe of docs/llm-adapter.md (tools/convert/export-onnx.py, Debian
 * python3-torch + python3-onnx) turns a folder without onnx/ into one whose ONNX features, logits
 * and hidden states equal the built-in forward's (XDA's tfjs model, the network the heatmaps
 * decompose) to 1e-4 of the array's scale. Nothing is skipped: without the Python packages the
 * suite fails saying what to install.
 */
const PY = '/usr/bin/python3';
const ROOT = resolve(import.meta.dirname, '..', '..');
const EXPORT = join(ROOT, 'tools/convert/export-onnx.py');
const ASSETS = join(ROOT, 'packages/llm-adapter/assets');
const REL = 1e-4;

function py(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(PY, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
}

/** The folder as `save_pretrained` writes it: everything but onnx/ and the fixture's reference files. */
function copyWithoutGraph(src: string, dst: string): void {
  cpSync(src, dst, { recursive: true, filter: (p) => p === src || (!p.startsWith(join(src, 'onnx')) && !/reference\.json$|tokens-python\.json$/.test(p)) });
}

let tmp: string;
let texts: string[];
beforeAll(() => {
  const deps = py(['-c', 'import torch, onnx']);
  if (deps.status !== 0) {
    throw new Error(`the ONNX export recipe needs Debian's python3-torch and python3-onnx (${deps.stderr.trim().split('\n').pop()}); run: sudo apt-get install -y python3-torch python3-onnx (npm test's pretest, tools/system/ensure-deps.sh, installs them)`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'dualxda-export-onnx-'));
  const lines = readFileSync(join(ASSETS, 'corpus/test.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  texts = [...lines.slice(0, 8).map((l) => (JSON.parse(l) as { text: string }).text), 'ok', 'free money now, click the link to win'];
  // Qwen2 (GQA, q/k/v biases, sliding window 6 on layer 1), Mistral and Gemma come from the fixture generator.
  const gen = py([join(ROOT, 'tools/fixtures/model/make-llama-variant-checkpoints.py'), join(tmp, 'variants')]);
  if (gen.status !== 0) throw new Error(`make-llama-variant-checkpoints.py failed: ${gen.stderr}`);
}, 180_000);
afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

const CASES: [string, () => string][] = [
  ['tiny-bert', () => join(ASSETS, 'tiny-bert')],
  ['tiny-roberta', () => join(ASSETS, 'tiny-roberta')],
  ['tiny-llama', () => join(ASSETS, 'tiny-llama')],
  ['tiny-qwen2', () => join(tmp, 'variants/tiny-qwen2')],
  ['tiny-gemma', () => join(tmp, 'variants/tiny-gemma')],
];

describe.each(CASES)('tools/convert/export-onnx.py on %s', (name, src) => {
  it('writes onnx/model.onnx whose features, logits and hidden states equal the built-in forward (1e-4)', async () => {
    const plain = join(tmp, `${name}-plain`);
    const exported = join(tmp, name);
    copyWithoutGraph(src(), plain);
    copyWithoutGraph(src(), exported);
    const r = py([EXPORT, exported]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as { out: string; outputs: string[] };
    expect(summary.out).toBe(join(exported, 'onnx/model.onnx'));
    expect(existsSync(`${summary.out}.tmp`)).toBe(false);

    const onnx = await openModel(exported);
    const builtin = await openModel(plain, { forward: xdaFeatureForward('wasm') });
    try {
      expect(onnx.runner.kind).toBe('onnx');
      expect(builtin.runner.kind).toBe('builtin');
      const maxLength = Math.min(64, onnx.checkpoint.maxPositions);
      const opts = { maxLength, batchSize: 4 } as const; // mixed lengths: padded batches
      const a: EmbedResult = await onnx.embed(texts, { ...opts, head: 'sequence' });
      const b: EmbedResult = await builtin.embed(texts, { ...opts, head: 'sequence' });
      expect(a.features.some((v) => Math.abs(v) > 1e-3)).toBe(true); // not a vacuous pass on zeros
      expect(maxScaledError(a.features, b.features)).toBeLessThanOrEqual(REL);
      expect(maxScaledError(a.logits, b.logits)).toBeLessThanOrEqual(REL);
      const ta = await onnx.embed(texts.slice(0, 4), { ...opts, head: 'token' });
      const tb = await builtin.embed(texts.slice(0, 4), { ...opts, head: 'token' });
      expect(ta.rows).toBeGreaterThan(4);
      expect(maxScaledError(ta.features, tb.features)).toBeLessThanOrEqual(REL);
    } finally {
      await onnx.release();
      await builtin.release();
    }
  }, 120_000);
});

describe('tools/convert/export-onnx.py errors', () => {
  it('keeps an existing graph unless --force, and names an unsupported model_type', () => {
    const dir = join(tmp, 'errors');
    copyWithoutGraph(join(ASSETS, 'tiny-llama'), dir);
    expect(py([EXPORT, dir]).status).toBe(0);
    const again = py([EXPORT, dir]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/onnx\/model\.onnx exists \(pass --force to overwrite\)/);
    expect(py([EXPORT, dir, '--force']).status).toBe(0);

    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'gpt2' }));
    const bad = py([EXPORT, dir, '--force']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/config\.json: field "model_type": 'gpt2' is not supported; supported: bert, roberta, distilbert, llama, mistral, qwen2/);

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, rope_scaling: { rope_type: 'yarn', factor: 4 } }));
    const rope = py([EXPORT, dir, '--force']);
    expect(rope.status).not.toBe(0);
    expect(rope.stderr).toMatch(/field "rope_scaling\.rope_type": RoPE type 'yarn' is not supported by the export/);
  }, 120_000);
});
