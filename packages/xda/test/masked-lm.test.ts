/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
/**
 * XDA of masked-LM token rows (issue 14): a `*ForMaskedLM` row's feature is the head transform
 * LayerNorm(GELU(dense(h))) at its position, the decoder's input. Checked against torch
 * `BertForMaskedLM`, `RobertaForMaskedLM` and `DistilBertForMaskedLM` built on hfmini
 * (tools/fixtures/model/make-tiny-masked-lm.py, run into a temp dir with Debian's python3-torch):
 * the pair kernel is ⟨t_test[p], t_train[q]⟩ of the torch transform outputs, each heatmap conserves
 * α·kernel through the transform's Linear, Gelu and LayerNorm rules, and the check fails when one
 * of them passes on twice its relevance.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel, explainTopK, getRule, registerRule } from '../src/index.js';
import type { HfConfig, OpName, RuleConfig, XdaModel } from '../src/index.js';

interface MlmCase {
  text: string;
  input_ids: number[];
  hidden: number[];
  features: number[];
}

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PY = '/usr/bin/python3';
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'xda-masked-lm-'));
  execFileSync(PY, [join(ROOT, 'tools/fixtures/model/make-tiny-masked-lm.py'), tmp], { stdio: 'pipe' });
}, 60_000);

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

const restore: (() => void)[] = [];
afterEach(() => {
  while (restore.length > 0) restore.pop()!();
});

const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);

describe.each([
  // [folder, the transform's dense layer]
  ['tiny-bert-mlm', 'cls.predictions.transform.dense'],
  ['tiny-roberta-mlm', 'lm_head.dense'],
  ['tiny-distilbert-mlm', 'vocab_transform'],
] as const)('%s token rows', (name, dense) => {
  let dir: string;
  let config: HfConfig;
  let model: XdaModel;
  let cases: MlmCase[];
  let H: number;
  beforeAll(() => {
    dir = join(tmp, name);
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as HfConfig;
    model = load(config);
    const ref = JSON.parse(readFileSync(join(dir, 'mlm-reference.json'), 'utf8')) as { cases: MlmCase[]; hidden_size: number };
    cases = ref.cases;
    H = ref.hidden_size;
  });
  afterAll(() => model?.dispose());

  function load(cfg: HfConfig, drop?: string): XdaModel {
    const file = join(dir, 'model.safetensors');
    const weights = new Map(parseSafetensors(new Uint8Array(readFileSync(file)), file));
    if (drop !== undefined) weights.delete(drop);
    return createXdaModel(weights, cfg);
  }

  /** Row `p` of a reference [T, H] array. */
  const rowOf = (flat: number[], p: number) => flat.slice(p * H, (p + 1) * H);

  /** Test: case 0 at position 3; train: case 2 at 5 and case 0 at 1. */
  function explain(m: XdaModel, options: { mode?: 'per-position' | 'word' } = {}) {
    const [a, , c] = cases;
    return explainTopK(m, { ids: a!.input_ids }, [{ ids: c!.input_ids }, { ids: a!.input_ids }], { alphas: [0.7, -1.5], testPosition: 3, trainPositions: [5, 1], ...options });
  }

  it.each(['per-position', 'word'] as const)('kernel = <t_test[p], t_train[q]> of torch\'s transform outputs, and each side conserves alpha * kernel (%s)', (mode) => {
    const [a, , c] = cases;
    const expected = [dot(rowOf(a!.features, 3), rowOf(c!.features, 5)), dot(rowOf(a!.features, 3), rowOf(a!.features, 1))];
    const pairs = explain(model, { mode });
    pairs.forEach((p, i) => {
      expect(Math.abs(p.kernel - expected[i]!)).toBeLessThan(1e-4 * Math.abs(expected[i]!) + 1e-5);
      expect(p.attribution).toBeCloseTo(p.alpha * p.kernel, 5);
      for (const side of [p.test!, p.train!]) {
        expect(side.residual).toBeLessThanOrEqual(1e-5);
        // The transform's dense bias and LayerNorm shift take their share: stated, not lost.
        expect(side.absorbed.biases).not.toBe(0);
      }
    });
  });

  it('the hidden-state kernel (no transform) is another number: the transform is in the pass', () => {
    const [a, , c] = cases;
    const plain = dot(rowOf(a!.hidden, 3), rowOf(c!.hidden, 5));
    expect(Math.abs(explain(model)[0]!.kernel - plain)).toBeGreaterThan(1e-2 * Math.abs(plain));
    // A *ForTokenClassification config over the same weights, or MLM weights without the
    // transform, give no tokenTransform: the rows are the hidden states.
    const archs = config['architectures'] as string[];
    const tokenCls = load({ ...config, architectures: archs.map((x) => x.replace('ForMaskedLM', 'ForTokenClassification')) });
    const noTransform = load(config, `${dense}.weight`);
    try {
      for (const m of [tokenCls, noTransform]) {
        expect(m.tokenTransform).toBeUndefined();
        expect(explain(m)[0]!.kernel).toBeCloseTo(plain, 4);
      }
    } finally {
      tokenCls.dispose();
      noTransform.dispose();
    }
  });

  it.each(['Linear', 'Gelu', 'LayerNorm'] as const)('breaks conservation when the %s rule passes on twice its relevance', (op: OpName) => {
    const orig = getRule(op)! as RuleConfig<OpName>;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerRule({ ...orig, relevance: (g, s, at, ctx) => orig.relevance(g, s, at, ctx).map((t) => (t === null ? null : tf.mul(t, 2))) });
    restore.push(() => {
      registerRule(orig);
      warn.mockRestore();
    });
    const p = explain(model)[0]!;
    expect(Math.max(p.test!.residual, p.train!.residual)).toBeGreaterThan(1e-3);
  });
});
