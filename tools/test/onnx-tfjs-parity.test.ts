import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSafetensors } from '@dualxda/core';
import { encodeTexts, openModel } from '@dualxda/llm-adapter';
import { createXdaModel, extractFeatures, useXdaBackend } from '@dualxda/xda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 7/8 parity: the ONNX path (llm-adapter, onnxruntime-node) and the safetensors path (xda's
 * tfjs forward, the one LRP runs on) must give the same penultimate features. Lives in tools
 * because only tools and cli may depend on both packages.
 */
const assets = resolve(import.meta.dirname, '../../packages/llm-adapter/assets');
const corpus = resolve(assets, 'corpus/test.jsonl');

async function firstTexts(n: number): Promise<string[]> {
  const lines = (await readFile(corpus, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return lines.slice(0, n).map((l) => (JSON.parse(l) as { text: string }).text);
}

describe.each(['tiny-bert', 'tiny-llama', 'spam-bert'])('ONNX vs tfjs features: %s', (name) => {
  const dir = resolve(assets, name);
  let model: Awaited<ReturnType<typeof openModel>>;
  beforeAll(async () => {
    await useXdaBackend('wasm');
    model = await openModel(dir);
  });
  afterAll(async () => {
    await model.release();
  });

  it('match to 1e-4 on corpus texts', async () => {
    const texts = await firstTexts(4);
    const maxLength = Math.min(48, model.checkpoint.maxPositions);
    const onnx = await model.embed(texts, { head: 'sequence', maxLength });
    const enc = encodeTexts(model.checkpoint.tokenizer, texts, maxLength);
    const weights = parseSafetensors(new Uint8Array(await readFile(resolve(dir, 'model.safetensors'))));
    const config = JSON.parse(await readFile(resolve(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const xda = createXdaModel(weights, config);
    try {
      const tfjs = extractFeatures(
        xda,
        enc.ids.map((ids) => ({ ids })),
      );
      expect(tfjs).toHaveLength(texts.length);
      // Guard against a vacuous pass on all-zero outputs.
      expect(onnx.features.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      let worst = 0;
      for (let t = 0; t < texts.length; t++) {
        const row = tfjs[t] as Float32Array;
        expect(row.length).toBe(onnx.dim);
        for (let k = 0; k < onnx.dim; k++) {
          worst = Math.max(worst, Math.abs((row[k] as number) - (onnx.features[t * onnx.dim + k] as number)));
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-4);
    } finally {
      xda.dispose();
    }
  });
});
